;; The remedy refuse_init_import.wat's message suggests: a module to --preload as "env"
;; that provides the `log` import refuse_init_import.wasm calls during init. Its own state
;; is not part of the output.
(module
  (global $last (export "last") (mut i32) (i32.const 0))
  (func (export "log") (param i32) (global.set $last (local.get 0))))
