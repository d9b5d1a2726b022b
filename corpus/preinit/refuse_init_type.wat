;; Refused: init exports of the wrong kind or type. The init function must be a
;; function of type [] -> []; `-f NAME` picks each of these in turn.
(module
  (global (export "a_global") i32 (i32.const 0))
  (func (export "wizer-initialize") (param i32))
  (func (export "returns") (result i32) (i32.const 1)))
