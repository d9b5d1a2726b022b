;; Bulk memory during init (memory.fill, memory.copy, memory.init), a passive
;; segment used only after init, a passive segment dropped during init, and an active
;; segment that init partly overwrites. memory.init on the output must succeed or trap
;; exactly as on the original after init.
(module
  (memory (export "memory") 1)
  (data $a0 (i32.const 0) "AAAAAAAAAAAAAAAA")
  (data $p0 "hello")
  (data $p1 "world")
  (data $p2 "gone")

  (func (export "wizer-initialize")
    (memory.fill (i32.const 8) (i32.const 0x2e) (i32.const 4))
    (memory.init $p0 (i32.const 32) (i32.const 0) (i32.const 5))
    (memory.copy (i32.const 40) (i32.const 32) (i32.const 5))
    ;; Overlapping copy towards higher addresses.
    (memory.copy (i32.const 2) (i32.const 0) (i32.const 8))
    (data.drop $p2))

  (func (export "init_a0") (param $dst i32) (param $len i32)
    (memory.init $a0 (local.get $dst) (i32.const 0) (local.get $len)))
  (func (export "init_p0") (param $dst i32) (param $len i32)
    (memory.init $p0 (local.get $dst) (i32.const 0) (local.get $len)))
  (func (export "init_p1") (param $dst i32) (param $len i32)
    (memory.init $p1 (local.get $dst) (i32.const 0) (local.get $len)))
  (func (export "init_p2") (param $dst i32) (param $len i32)
    (memory.init $p2 (local.get $dst) (i32.const 0) (local.get $len)))
  (func (export "drop_p1") (data.drop $p1))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0))))
