;; Tries to leave the preopen at fd 3; each export returns path_open's errno (76 = notcapable).
;; `open` opens any path the test writes into memory: (path, path_len) -> errno.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "../secret.txt")
  (data (i32.const 200) "/etc/passwd")
  (data (i32.const 300) "link_out/secret.txt")
  (data (i32.const 400) "inside.txt")
  (func $open (export "open") (param $path i32) (param $length i32) (result i32)
    ;; follow symlinks, fd_read rights; the fd goes to 8
    (call $path_open (i32.const 3) (i32.const 1) (local.get $path) (local.get $length) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8)))
  (func (export "escape_parent") (result i32) (call $open (i32.const 100) (i32.const 13)))
  (func (export "escape_absolute") (result i32) (call $open (i32.const 200) (i32.const 11)))
  (func (export "escape_symlink") (result i32) (call $open (i32.const 300) (i32.const 19)))
  (func (export "stay_inside") (result i32) (call $open (i32.const 400) (i32.const 10))))
