;; Refused: an imported table cannot be snapshotted; kiln refuses and names it.
(module
  (import "env" "table" (table 1 funcref))
  (func (export "wizer-initialize")))
