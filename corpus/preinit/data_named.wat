;; Data segments that code names by index only outside init: memory.init and data.drop sit
;; in functions init never calls. The output keeps every original segment at its index (the
;; active one emptied, as instantiation dropped it; the passive one with its bytes), so
;; memory.init after pre-initialization copies or traps exactly as on the original.
(module
  (memory (export "memory") 1)
  (data $greeting (i32.const 16) "hello")
  (data $spare "spare bytes")
  (global $ready (mut i32) (i32.const 0))

  (func (export "wizer-initialize")
    (i32.store (i32.const 64) (i32.const 0x2a2a2a2a))
    (global.set $ready (i32.const 1)))

  ;; Copies the passive segment to $dst and returns its first byte ('s').
  (func (export "copy_spare") (param $dst i32) (result i32)
    (memory.init $spare (local.get $dst) (i32.const 0) (i32.const 11))
    (i32.load8_u (local.get $dst)))
  ;; Traps: the active segment was dropped when the original was instantiated.
  (func (export "copy_greeting") (param $dst i32)
    (memory.init $greeting (local.get $dst) (i32.const 0) (i32.const 5)))
  (func (export "drop_spare") (data.drop $spare))
  (func (export "ready") (result i32) (global.get $ready)))
