;; No `wizer-initialize` export, only Wizer 10's default `wizer.initialize`: kiln
;; falls back to it (saying so with --verbose) and removes it from the output.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "wizer.initialize") (global.set $g (i32.const 7)))
  (func (export "get") (result i32) (global.get $g)))
