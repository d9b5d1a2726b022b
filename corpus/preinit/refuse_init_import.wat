;; Refused: init calls an import nothing provides: the message names the import
;; and says how to provide it (--preload).
(module
  (import "env" "log" (func $log (param i32)))
  (func (export "wizer-initialize") (call $log (i32.const 1))))
