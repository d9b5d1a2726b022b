;; Data segments that no instruction names by index: no memory.init, no data.drop. Their
;; effect is in the snapshot, so the output leaves the original segments out. Init stores
;; 1148, whose i32.const encoding (41 FC 08) holds memory.init's opcode bytes: only a
;; reader that decodes instructions, not one that matches bytes, sees that nothing names a
;; segment.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (data $unused "never read")

  (func (export "wizer-initialize")
    (i32.store (i32.const 64) (i32.const 1148)))
  (func (export "load") (param $at i32) (result i32) (i32.load (local.get $at))))
