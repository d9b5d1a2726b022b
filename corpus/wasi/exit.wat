;; `run` calls proc_exit(7); the code after it must never run.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "run")
    (call $proc_exit (i32.const 7))
    unreachable))
