;; wabt-flags: --enable-multi-memory
;; Multi-memory: two memories both written by init (one grown), a third left
;; untouched; each keeps its own size, limits and bytes in the output.
(module
  (memory $a (export "mem_a") 1)
  (memory $b (export "mem_b") 2 4)
  (memory $c (export "mem_c") 1)
  (data (memory $b) (i32.const 5) "bee")

  (func (export "wizer-initialize")
    (i32.store $a (i32.const 0) (i32.const 0x61616161))
    (drop (memory.grow $b (i32.const 1)))
    (i32.store $b (i32.const 196604) (i32.const 0x62626262))
    (memory.copy $a $b (i32.const 100) (i32.const 5) (i32.const 3)))

  (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "load_c") (param i32) (result i32) (i32.load8_u $c (local.get 0)))
  (func (export "sizes") (result i32)
    (i32.add (i32.add (i32.mul (memory.size $a) (i32.const 100))
                      (i32.mul (memory.size $b) (i32.const 10)))
             (memory.size $c)))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0))))
