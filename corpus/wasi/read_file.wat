;; Checks that fd 3 is a preopen, opens "input.txt" in it, reads it into memory at 1024 and echoes it
;; to stdout. `run` returns the number of bytes read, or 1000 + the errno of the first failing call.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "input.txt")
  (func $failed (param $errno i32) (result i32)
    (i32.add (i32.const 1000) (local.get $errno)))
  (func (export "run") (result i32)
    (local $errno i32) (local $fd i32) (local $n i32)
    ;; prestat goes to 0
    (local.set $errno (call $fd_prestat_get (i32.const 3) (i32.const 0)))
    (if (local.get $errno) (then (return (call $failed (local.get $errno)))))
    ;; path_open(3, symlink_follow, "input.txt", 9, no oflags, fd_read | fd_seek, 0, no fdflags, fd -> 8)
    (local.set $errno (call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 9) (i32.const 0)
                        (i64.const 6) (i64.const 0) (i32.const 0) (i32.const 8)))
    (if (local.get $errno) (then (return (call $failed (local.get $errno)))))
    (local.set $fd (i32.load (i32.const 8)))
    ;; iovec at 16: {1024, 4096}; nread goes to 12
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 4096))
    (local.set $errno (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 12)))
    (if (local.get $errno) (then (return (call $failed (local.get $errno)))))
    (local.set $n (i32.load (i32.const 12)))
    ;; echo the bytes read: iovec {1024, n}
    (i32.store (i32.const 20) (local.get $n))
    (local.set $errno (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (if (local.get $errno) (then (return (call $failed (local.get $errno)))))
    (local.set $errno (call $fd_close (local.get $fd)))
    (if (local.get $errno) (then (return (call $failed (local.get $errno)))))
    (local.get $n)))
