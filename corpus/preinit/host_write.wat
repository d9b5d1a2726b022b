;; A host function writes guest memory through its raw pointer during init, on a page
;; nothing else touches: the snapshot must hold those bytes without anyone marking them.
(module
  (import "env" "poke" (func $poke (param i32)))
  (memory (export "memory") 1)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "wizer-initialize") (call $poke (i32.const 40000))))
