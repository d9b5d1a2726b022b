;; A funcref table changed during init (table.set, table.grow, a null written, a
;; function of another type), a passive element segment used after init and one dropped
;; during init: call_indirect, table.size, table.grow and table.init on the output behave
;; like the original after init (same results, same traps).
(module
  (type $r (func (result i32)))
  (table $t (export "table") 2 10 funcref)
  ;; Never touched: must stay all null.
  (table $ext 3 externref)
  (elem $active (table $t) (i32.const 0) func $f1)
  (elem $passive func $f4 $f5)
  (elem $dropped func $f6)
  (elem declare func $f2 $f3 $f7)

  (func $f1 (type $r) (i32.const 1))
  (func $f2 (type $r) (i32.const 2))
  (func $f3 (type $r) (i32.const 3))
  (func $f4 (type $r) (i32.const 4))
  (func $f5 (type $r) (i32.const 5))
  (func $f6 (type $r) (i32.const 6))
  (func $f7 (param i32) (result i32) (local.get 0))

  (func (export "wizer-initialize")
    (table.set $t (i32.const 1) (ref.func $f2))
    (drop (table.grow $t (ref.func $f3) (i32.const 3)))
    (table.set $t (i32.const 3) (ref.null func))
    (table.set $t (i32.const 4) (ref.func $f7))
    (elem.drop $dropped))

  (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "ext_size") (result i32) (table.size $ext))
  (func (export "ext_is_null") (param i32) (result i32) (ref.is_null (table.get $ext (local.get 0))))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "init_passive") (param $dst i32) (param $len i32)
    (table.init $t $passive (local.get $dst) (i32.const 0) (local.get $len)))
  (func (export "init_dropped") (param $dst i32) (param $len i32)
    (table.init $t $dropped (local.get $dst) (i32.const 0) (local.get $len))))
