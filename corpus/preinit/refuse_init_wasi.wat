;; Refused: init calls WASI without --allow-wasi: the message names the import
;; and mentions --allow-wasi.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wizer-initialize")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8)))))
