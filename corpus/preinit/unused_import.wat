;; An imported function that init never calls does not stop pre-initialization,
;; and the output still imports it (calling it afterwards is the embedder's business).
(module
  (import "env" "log" (func $log (param i32)))
  (global $g (mut i32) (i32.const 0))
  (func (export "wizer-initialize") (global.set $g (i32.const 9)))
  (func (export "get") (result i32) (global.get $g))
  (func (export "log_it") (call $log (global.get $g))))
