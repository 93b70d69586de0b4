# SPDX-License-Identifier: MIT
"""ctypes declarations of liboclnn's C API (include/oclnn.h): the library search, the value
structs (field for field as in the header) and the argument and result types of each function."""
import ctypes
import ctypes.util
import os

c_float_p = ctypes.POINTER(ctypes.c_float)


def _candidates():
    env = os.environ.get("OCLNN_LIBRARY")
    if env:
        return [env]  # when set, the only one tried
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    try:  # written by `cmake --install`: the installed library, relative to this package
        from . import _config
        found.append(os.path.normpath(os.path.join(here, _config.LIBRARY)))
    except ImportError:
        pass
    # The source tree's package next to the default build folder (tools/setup.sh's ./build).
    found.append(os.path.normpath(os.path.join(here, "..", "..", "build", "liboclnn.so")))
    name = ctypes.util.find_library("oclnn")
    if name:
        found.append(name)
    return found


def load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("oclnn: cannot load liboclnn (set OCLNN_LIBRARY to its path); tried:\n  " +
                      "\n  ".join(errors or ["nothing: no candidate found"]))


class Shape(ctypes.Structure):
    _fields_ = [("n", ctypes.c_uint32), ("c", ctypes.c_uint32), ("h", ctypes.c_uint32),
                ("w", ctypes.c_uint32)]

    def tuple(self):
        return (self.n, self.c, self.h, self.w)


class Shape3d(ctypes.Structure):  # issue 19: oclnn_shape3d
    _fields_ = [("n", ctypes.c_uint32), ("c", ctypes.c_uint32), ("d", ctypes.c_uint32),
                ("h", ctypes.c_uint32), ("w", ctypes.c_uint32)]


class DeviceInfo(ctypes.Structure):
    _fields_ = [("backend", ctypes.c_int), ("platform_index", ctypes.c_uint32),
                ("device_index", ctypes.c_uint32), ("platform_name", ctypes.c_char * 128),
                ("name", ctypes.c_char * 128), ("vendor", ctypes.c_char * 128),
                ("driver_version", ctypes.c_char * 64), ("device_version", ctypes.c_char * 64),
                ("is_gpu", ctypes.c_bool), ("is_cpu", ctypes.c_bool),
                ("is_accelerator", ctypes.c_bool), ("compute_units", ctypes.c_uint32),
                ("clock_mhz", ctypes.c_uint32), ("global_mem_bytes", ctypes.c_uint64),
                ("local_mem_bytes", ctypes.c_uint64), ("max_alloc_bytes", ctypes.c_uint64),
                ("max_work_group_size", ctypes.c_size_t),
                ("max_work_item_sizes", ctypes.c_size_t * 3),
                ("preferred_vector_width_float", ctypes.c_uint32),
                ("native_vector_width_float", ctypes.c_uint32), ("fp16", ctypes.c_bool),
                ("fp64", ctypes.c_bool), ("images", ctypes.c_bool), ("subgroups", ctypes.c_bool),
                ("layout", ctypes.c_int), ("is_default", ctypes.c_bool),
                ("unified_memory", ctypes.c_bool), ("opencl_c_version", ctypes.c_char * 64),
                ("default_reason", ctypes.c_char * 128)]


class ContextOptions(ctypes.Structure):
    _fields_ = [("device", ctypes.c_char_p), ("layout", ctypes.c_int),
                ("cache_dir", ctypes.c_char_p), ("kernel_dir", ctypes.c_char_p),
                ("tuning_db", ctypes.c_char_p), ("allocator", ctypes.c_void_p),
                ("flags", ctypes.c_uint32), ("device_class", ctypes.c_char_p),
                ("threads", ctypes.c_uint)]


class Padding(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("top", ctypes.c_uint32), ("bottom", ctypes.c_uint32),
                ("left", ctypes.c_uint32), ("right", ctypes.c_uint32)]


class Conv2dDesc(ctypes.Structure):
    _fields_ = [("input", Shape), ("out_channels", ctypes.c_uint32),
                ("kernel_h", ctypes.c_uint32), ("kernel_w", ctypes.c_uint32),
                ("stride_h", ctypes.c_uint32), ("stride_w", ctypes.c_uint32),
                ("dilation_h", ctypes.c_uint32), ("dilation_w", ctypes.c_uint32),
                ("groups", ctypes.c_uint32), ("padding", Padding), ("activation", ctypes.c_int),
                ("has_bias", ctypes.c_bool), ("fuse_residual", ctypes.c_bool),
                ("algo", ctypes.c_int)]


class BatchnormDesc(ctypes.Structure):
    _fields_ = [("shape", Shape), ("eps", ctypes.c_float), ("momentum", ctypes.c_float),
                ("training", ctypes.c_bool)]


class EltwiseDesc(ctypes.Structure):
    _fields_ = [("shape", Shape), ("op", ctypes.c_int)]


class FcDesc(ctypes.Structure):
    _fields_ = [("input", Shape), ("out_features", ctypes.c_uint32), ("has_bias", ctypes.c_bool)]


class SoftmaxDesc(ctypes.Structure):
    _fields_ = [("shape", Shape)]


class LrnDesc(ctypes.Structure):
    _fields_ = [("shape", Shape), ("size", ctypes.c_uint32), ("alpha", ctypes.c_float),
                ("beta", ctypes.c_float), ("k", ctypes.c_float)]


class Pool2dDesc(ctypes.Structure):
    _fields_ = [("input", Shape), ("kind", ctypes.c_int), ("kernel_h", ctypes.c_uint32),
                ("kernel_w", ctypes.c_uint32), ("stride_h", ctypes.c_uint32),
                ("stride_w", ctypes.c_uint32), ("pad_h", ctypes.c_uint32),
                ("pad_w", ctypes.c_uint32), ("ceil_mode", ctypes.c_bool),
                ("count_include_pad", ctypes.c_bool),
                # issue 16: bottom/right padding when pad_asymmetric
                ("pad_asymmetric", ctypes.c_bool), ("pad_bottom", ctypes.c_uint32),
                ("pad_right", ctypes.c_uint32)]


class RoiDesc(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("pooled_h", ctypes.c_uint32),
                ("pooled_w", ctypes.c_uint32), ("spatial_scale", ctypes.c_float),
                ("sampling_ratio", ctypes.c_int32), ("aligned", ctypes.c_bool)]


class NmsDesc(ctypes.Structure):
    _fields_ = [("iou_threshold", ctypes.c_double), ("use_score_threshold", ctypes.c_bool),
                ("score_threshold", ctypes.c_float), ("top_k", ctypes.c_uint32)]


class NodeDesc(ctypes.Structure):
    _fields_ = [("op", ctypes.c_int), ("channels", ctypes.c_uint32),
                ("kernel_h", ctypes.c_uint32), ("kernel_w", ctypes.c_uint32),
                ("stride_h", ctypes.c_uint32), ("stride_w", ctypes.c_uint32),
                ("pad_h", ctypes.c_uint32), ("pad_w", ctypes.c_uint32),
                ("dilation_h", ctypes.c_uint32), ("dilation_w", ctypes.c_uint32),
                ("groups", ctypes.c_uint32), ("bias", ctypes.c_bool), ("ceil_mode", ctypes.c_bool),
                ("count_include_pad", ctypes.c_bool), ("out_h", ctypes.c_uint32),
                ("out_w", ctypes.c_uint32), ("eps", ctypes.c_float),
                ("eltwise", ctypes.c_int),  # ACTIVATION's oclnn_eltwise_op (issue 16)
                # issue 18: deconv and resize nodes
                ("output_pad_h", ctypes.c_uint32), ("output_pad_w", ctypes.c_uint32),
                ("resize_mode", ctypes.c_int), ("align_corners", ctypes.c_bool),
                ("scale_h", ctypes.c_double), ("scale_w", ctypes.c_double),
                ("channel_start", ctypes.c_uint32),  # issue 16: CHANNEL_SHUFFLE
                ("pad_asymmetric", ctypes.c_bool), ("pad_bottom", ctypes.c_uint32),
                ("pad_right", ctypes.c_uint32),  # issue 16: CONV's bottom/right padding
                # issue 19: INPUT's depth (5-D input) and the 3-D nodes' depth axis
                ("depth", ctypes.c_uint32), ("kernel_d", ctypes.c_uint32),
                ("stride_d", ctypes.c_uint32), ("pad_d", ctypes.c_uint32),
                ("dilation_d", ctypes.c_uint32), ("out_d", ctypes.c_uint32),
                ("lrn_size", ctypes.c_uint32), ("lrn_alpha", ctypes.c_float),
                ("lrn_beta", ctypes.c_float), ("lrn_bias", ctypes.c_float)]  # issue 16: LRN


class NetLayerInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("op", ctypes.c_char_p), ("algo", ctypes.c_char_p),
                ("shape", Shape), ("flops", ctypes.c_double), ("ms", ctypes.c_double)]


class NetMemoryInfo(ctypes.Structure):
    _fields_ = [("activations", ctypes.c_size_t), ("activations_live", ctypes.c_size_t),
                ("io", ctypes.c_size_t), ("weights", ctypes.c_size_t),
                ("workspace", ctypes.c_size_t), ("peak", ctypes.c_size_t)]


P = ctypes.c_void_p
PP = ctypes.POINTER(ctypes.c_void_p)
S = ctypes.c_int  # oclnn_status
sz = ctypes.c_size_t
szp = ctypes.POINTER(ctypes.c_size_t)
cp = ctypes.c_char_p

# name: (result type, argument types)
SIGNATURES = {
    "oclnn_version_string": (cp, []),
    "oclnn_status_string": (cp, [S]),
    "oclnn_last_error": (cp, []),
    "oclnn_devices": (S, [ctypes.POINTER(DeviceInfo), sz, szp]),
    "oclnn_context_create": (S, [ctypes.POINTER(ContextOptions), PP]),
    "oclnn_context_destroy": (None, [P]),
    "oclnn_context_device": (S, [P, ctypes.POINTER(DeviceInfo)]),
    "oclnn_context_layout": (ctypes.c_int, [P]),
    "oclnn_context_finish": (S, [P]),
    "oclnn_tensor_create": (S, [P, Shape, ctypes.c_int, PP]),
    "oclnn_tensor_view_channels": (S, [P, ctypes.c_uint32, ctypes.c_uint32, PP]),
    "oclnn_tensor_destroy": (None, [P]),
    "oclnn_tensor_shape": (Shape, [P]),
    "oclnn_tensor_shape3d": (Shape3d, [P]),  # issue 19
    "oclnn_tensor_layout": (ctypes.c_int, [P]),
    "oclnn_tensor_write": (S, [P, c_float_p, ctypes.c_int]),
    "oclnn_tensor_read": (S, [P, c_float_p, ctypes.c_int]),
    "oclnn_tensor_copy": (S, [P, P]),
    "oclnn_tensor_fill": (S, [P, ctypes.c_float]),
    "oclnn_cl_tensor_create_host_visible": (S, [P, Shape, ctypes.c_int, PP]),
    "oclnn_cl_tensor_map": (S, [P, ctypes.c_uint, ctypes.POINTER(c_float_p)]),
    "oclnn_cl_tensor_unmap": (S, [P, c_float_p]),
    "oclnn_op_destroy": (None, [P]),
    "oclnn_op_algorithm": (cp, [P]),
    "oclnn_op_workspace_size": (sz, [P]),
    "oclnn_conv2d_output_shape": (S, [ctypes.POINTER(Conv2dDesc), ctypes.POINTER(Shape)]),
    "oclnn_conv2d_create": (S, [P, ctypes.POINTER(Conv2dDesc), c_float_p, c_float_p, PP]),
    "oclnn_conv2d_run": (S, [P, P, P, P]),
    "oclnn_batchnorm_create": (S, [P, ctypes.POINTER(BatchnormDesc), c_float_p, c_float_p,
                                   c_float_p, c_float_p, PP]),
    "oclnn_batchnorm_run": (S, [P, P, P]),
    "oclnn_batchnorm_stats": (S, [P, c_float_p, c_float_p, c_float_p, c_float_p]),
    "oclnn_concat_create": (S, [P, ctypes.POINTER(Shape), sz, PP]),
    "oclnn_concat_output_shape": (S, [ctypes.POINTER(Shape), sz, ctypes.POINTER(Shape)]),
    "oclnn_concat_run": (S, [P, PP, P]),
    "oclnn_eltwise_create": (S, [P, ctypes.POINTER(EltwiseDesc), c_float_p, c_float_p, PP]),
    "oclnn_eltwise_run": (S, [P, P, P, P]),
    "oclnn_fc_create": (S, [P, ctypes.POINTER(FcDesc), c_float_p, c_float_p, PP]),
    "oclnn_fc_run": (S, [P, P, P]),
    "oclnn_softmax_create": (S, [P, ctypes.POINTER(SoftmaxDesc), PP]),
    "oclnn_softmax_run": (S, [P, P, P]),
    "oclnn_lrn_create": (S, [P, ctypes.POINTER(LrnDesc), PP]),
    "oclnn_lrn_run": (S, [P, P, P]),
    "oclnn_pool2d_output_shape": (S, [ctypes.POINTER(Pool2dDesc), ctypes.POINTER(Shape)]),
    "oclnn_pool2d_create": (S, [P, ctypes.POINTER(Pool2dDesc), PP]),
    "oclnn_pool2d_run": (S, [P, P, P, P]),
    "oclnn_roi_create": (S, [P, ctypes.POINTER(RoiDesc), PP]),
    "oclnn_roi_run": (S, [P, P, c_float_p, sz, P, P]),
    "oclnn_nms": (S, [P, ctypes.POINTER(NmsDesc), c_float_p, c_float_p,
                      ctypes.POINTER(ctypes.c_int32), sz, ctypes.POINTER(ctypes.c_uint32), szp]),
    "oclnn_box_iou": (S, [c_float_p, sz, c_float_p, sz, c_float_p]),
    "oclnn_node_desc_default": (NodeDesc, []),
    "oclnn_graph_create": (S, [PP]),
    "oclnn_graph_add": (S, [P, cp, ctypes.POINTER(NodeDesc), ctypes.POINTER(ctypes.c_int), sz,
                            ctypes.POINTER(ctypes.c_int)]),
    "oclnn_graph_node_count": (sz, [P]),
    "oclnn_graph_param": (S, [P, cp, ctypes.POINTER(c_float_p), szp]),
    "oclnn_graph_infer_shapes": (S, [P, Shape, ctypes.POINTER(Shape)]),
    "oclnn_graph_builtin": (S, [cp, PP]),
    "oclnn_graph_builtin_names": (ctypes.POINTER(cp), []),
    "oclnn_graph_destroy": (None, [P]),
    "oclnn_graph_init_random": (S, [P, ctypes.c_uint64]),
    "oclnn_graph_load_safetensors": (S, [P, cp, szp]),
    "oclnn_graph_load_onnx": (S, [cp, PP, ctypes.POINTER(Shape)]),
    "oclnn_graph_load_onnx_memory": (S, [P, sz, PP, ctypes.POINTER(Shape)]),
    "oclnn_net_create": (S, [P, P, Shape, PP]),
    "oclnn_net_destroy": (None, [P]),
    "oclnn_net_reshape": (S, [P, sz, sz, sz]),  # issue 16
    "oclnn_net_input": (P, [P]),
    "oclnn_net_output": (P, [P]),
    "oclnn_net_run": (S, [P]),
    "oclnn_net_run_profiled": (S, [P]),
    "oclnn_net_layer_count": (sz, [P]),
    "oclnn_net_layer": (S, [P, sz, ctypes.POINTER(NetLayerInfo)]),
    "oclnn_net_memory": (S, [P, ctypes.POINTER(NetMemoryInfo)]),
}


def declare(lib):
    for name, (res, args) in SIGNATURES.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args
    return lib


lib = declare(load())
