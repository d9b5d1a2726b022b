;; The start function, `_initialize` and the init function run once each, in
;; that order: each appends a digit to $g, which must read 123 in the output, whose
;; start function must not run again.
(module
  (global $g (mut i32) (i32.const 0))
  (global $initialize_calls (mut i32) (i32.const 0))
  (global $init_calls (mut i32) (i32.const 0))

  (func $append (param $digit i32)
    (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 10)) (local.get $digit))))
  (func $start (call $append (i32.const 1)))
  (start $start)

  (func (export "_initialize")
    (global.set $initialize_calls (i32.add (global.get $initialize_calls) (i32.const 1)))
    (call $append (i32.const 2)))
  (func (export "wizer-initialize")
    (global.set $init_calls (i32.add (global.get $init_calls) (i32.const 1)))
    (call $append (i32.const 3)))

  (func (export "get") (result i32) (global.get $g))
  (func (export "initialize_calls") (result i32) (global.get $initialize_calls))
  (func (export "init_calls") (result i32) (global.get $init_calls)))
