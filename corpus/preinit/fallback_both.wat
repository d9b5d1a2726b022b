;; Both `wizer-initialize` and `wizer.initialize` exported: the default wins, no
;; fallback note, and the other export stays.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "wizer-initialize") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "wizer.initialize") (global.set $g (i32.add (global.get $g) (i32.const 10))))
  (func (export "get") (result i32) (global.get $g)))
