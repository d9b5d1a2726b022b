;; Init leaves memory all zero, also where active segments had put bytes: the
;; output must not bring those bytes back, and needs no data segment for the memory.
(module
  (memory (export "memory") 2)
  (data (i32.const 100) "must vanish")
  (data (i32.const 70000) "\ff")

  (func (export "wizer-initialize")
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 131072)))

  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
