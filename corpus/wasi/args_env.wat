;; Reads argv and the environment the way wasi-libc's startup does.
;; `run` returns argc * 100 + environment count (or 1000 + errno); argv pointers go to 1024,
;; argv strings to 2048, environment pointers to 4096 and environment strings to 8192.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (local $errno i32)
    (local.set $errno (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (if (local.get $errno) (then (return (i32.add (i32.const 1000) (local.get $errno)))))
    (local.set $errno (call $args_get (i32.const 1024) (i32.const 2048)))
    (if (local.get $errno) (then (return (i32.add (i32.const 1000) (local.get $errno)))))
    (local.set $errno (call $environ_sizes_get (i32.const 8) (i32.const 12)))
    (if (local.get $errno) (then (return (i32.add (i32.const 1000) (local.get $errno)))))
    (local.set $errno (call $environ_get (i32.const 4096) (i32.const 8192)))
    (if (local.get $errno) (then (return (i32.add (i32.const 1000) (local.get $errno)))))
    (i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 100)) (i32.load (i32.const 8)))))
