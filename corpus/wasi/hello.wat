;; Writes "hello\n" to stdout with one fd_write; `run` returns the errno.
;; `run_unstable` does the same through the older wasi_unstable module name.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write_unstable (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec {buf = 32, buf_len = 6} at 16; nwritten goes to 24.
  (data (i32.const 16) "\20\00\00\00\06\00\00\00")
  (data (i32.const 32) "hello\n")
  (func (export "run") (result i32)
    (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
  (func (export "run_unstable") (result i32)
    (call $fd_write_unstable (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
