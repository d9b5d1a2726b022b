;; Renames. The Wizer pattern `-r _start=wizer.resume`: the output's `_start` must
;; run main without running the constructors again. Other exports to rename onto new
;; names or over existing ones.
(module
  (global $ctor_runs (mut i32) (i32.const 0))
  (global $main_runs (mut i32) (i32.const 0))

  (func $ctors (global.set $ctor_runs (i32.add (global.get $ctor_runs) (i32.const 1))))
  (func $main (result i32)
    (global.set $main_runs (i32.add (global.get $main_runs) (i32.const 1)))
    (i32.add (i32.mul (global.get $ctor_runs) (i32.const 100)) (global.get $main_runs)))

  ;; The original entry point runs the constructors itself.
  (func (export "_start") (result i32) (call $ctors) (call $main))
  (func (export "wizer.resume") (result i32) (call $main))
  (func (export "wizer-initialize") (call $ctors))
  (func (export "five") (result i32) (i32.const 5))
  (func (export "six") (result i32) (i32.const 6)))
