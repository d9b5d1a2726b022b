;; wabt-flags: --debug-names
;; Refused: init traps (integer divide by zero) two calls deep: the message must
;; name the trap, the function where it happened (from the name section) and its caller.
(module
  (global $divisor (mut i32) (i32.const 0))
  (func $parse_header (result i32) (i32.div_s (i32.const 1) (global.get $divisor)))
  (func $init (export "wizer-initialize") (drop (call $parse_header))))
