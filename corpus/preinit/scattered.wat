;; Many scattered writes over four pages (200 bytes 997 apart), so the snapshot
;; has many runs: with --max-data-segments 3 the output has at most 3 data segments for
;; them and still the same memory; and the output is the same byte for byte every time.
(module
  (memory (export "memory") 4)
  (data (i32.const 3) "seed")
  (func (export "wizer-initialize")
    (local $i i32)
    (loop $next
      (i32.store8 (i32.mul (local.get $i) (i32.const 997))
                  (i32.add (local.get $i) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 200)))))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))
