;; wabt-flags: --debug-names
;; Refused: the start function traps before init could run: the message says it
;; was the start function, names the trap and the function.
(module
  (func $boot (unreachable))
  (start $boot)
  (func (export "wizer-initialize")))
