;; Stores at the first and the very last byte of memory, a store across a page
;; boundary, and memory.grow during init: the output's minimum is the grown size, its
;; maximum is kept, and growing further behaves as in the original.
(module
  (memory $m (export "memory") 1 3)
  (data (i32.const 10) "original")

  (func (export "wizer-initialize")
    (i32.store8 (i32.const 0) (i32.const 0xaa))
    (drop (memory.grow (i32.const 1)))
    ;; The last byte of the grown memory: an off-by-one in a run's end loses it.
    (i32.store8 (i32.const 131071) (i32.const 0xbb))
    (i32.store (i32.const 65534) (i32.const 0x11223344))
    ;; Overwrites part of the active segment: the output must not re-apply "original".
    (i32.store8 (i32.const 12) (i32.const 0x21)))

  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))
