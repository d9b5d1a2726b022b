;; Lists the preopen at fd 3 with fd_readdir into memory at 1024 (dirent records and names).
;; `run` returns the bytes used, or 1000 + errno.
(module
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (local $errno i32)
    (local.set $errno (call $fd_readdir (i32.const 3) (i32.const 1024) (i32.const 8192) (i64.const 0) (i32.const 8)))
    (if (result i32) (local.get $errno)
      (then (i32.add (i32.const 1000) (local.get $errno)))
      (else (i32.load (i32.const 8))))))
