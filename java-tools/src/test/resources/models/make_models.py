#!/usr/bin/env python3
"""Writes the small ONNX test models committed beside this script (Debian's python3-onnx).

invert.onnx: boundary = 1 - raw, input [1,1,z,y,x], output [1,1,z,y,x]. With raw scaled to 0..1 it turns
`infer --backend onnx` into the intensity backend without smoothing, an independent check of the ONNX path.
"""
import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info('raw', TensorProto.FLOAT, [1, 1, None, None, None])
y = helper.make_tensor_value_info('boundary', TensorProto.FLOAT, [1, 1, None, None, None])
one = helper.make_tensor('one', TensorProto.FLOAT, [], [1.0])
graph = helper.make_graph([helper.make_node('Sub', ['one', 'raw'], ['boundary'])], 'invert', [x], [y], [one])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.save(model, 'invert.onnx')
