;; Refused: `_initialize` must be of type [] -> [] like the init function; Wizer
;; refuses this module ("type mismatch"), kiln must not skip `_initialize` silently and
;; still remove its export.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "_initialize") (param i32) (global.set $g (local.get 0)))
  (func (export "wizer-initialize") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "get") (result i32) (global.get $g)))
