;; Refused: an imported global cannot be snapshotted; kiln refuses and names it.
(module
  (import "env" "counter" (global (mut i32)))
  (func (export "wizer-initialize") (global.set 0 (i32.const 1))))
