;; Refused: an imported memory's state lives outside the module, so a snapshot
;; cannot capture it: kiln must refuse the module and name the import.
(module
  (import "env" "memory" (memory 1))
  (func (export "wizer-initialize") (i32.store (i32.const 0) (i32.const 1))))
