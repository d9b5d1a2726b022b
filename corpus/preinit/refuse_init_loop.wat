;; Refused: init never ends; with --fuel the run stops and kiln says fuel ran out.
(module
  (func (export "wizer-initialize") (loop $forever (br $forever))))
