;; An init that takes 16 random bytes and the realtime clock into memory: with --deterministic two
;; pre-initializations give byte-identical outputs; without it they differ.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wizer-initialize")
    (drop (call $random_get (i32.const 64) (i32.const 16)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 80))))
  (func (export "first_random_word") (result i32) (i32.load (i32.const 64))))
