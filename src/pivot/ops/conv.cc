// Convolutions of any spatial rank.
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {

void register_conv_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::Conv, "N-d convolution (cross-correlation), 1 <= rank <= 3")
          .doc("Spatial rank = len(kernel_size). Padding is explicit per axis as "
               "[before_0, after_0, before_1, after_1, ...] (conventions rows 2 and 4: PyTorch pads "
               "symmetrically, Keras 'same' puts the extra pixel after). The weight is stored "
               "(out, in/groups, *kernel) whatever the data format; Keras kernels are "
               "(*kernel, in/groups, out).")
          .required_attr("in_channels", AttrType::Int, "input channels")
          .required_attr("out_channels", AttrType::Int, "output channels")
          .required_attr("kernel_size", AttrType::Ints, "window size per spatial axis")
          .attr("stride", AttrType::Ints, std::vector<int64_t>{}, "step per axis; [] means all 1")
          .attr("dilation", AttrType::Ints, std::vector<int64_t>{}, "dilation per axis; [] means all 1")
          .attr("pads", AttrType::Ints, std::vector<int64_t>{},
                "zero padding [before_0, after_0, ...]; [] means none")
          .attr("groups", AttrType::Int, int64_t{1}, "channel groups; in_channels for depthwise")
          .attr("padding_mode", AttrType::String, std::string("zeros"),
                "how `pads` are filled: 'zeros', 'reflect', 'replicate' or 'circular'")
          .attr("bias", AttrType::Bool, true, "whether a bias is added")
          .attr("data_format", AttrType::String, std::string("channels_first"),
                "'channels_first' (N, C, *spatial) or 'channels_last' (N, *spatial, C)")
          .param("weight", "out, in/groups, *kernel", "filters")
          .optional_param("bias", "out", "bias vector")
          .shape(spatial::conv_shape)
          .param_shape([](const Node& n, const std::string& role) -> std::vector<int64_t> {
            if (role == "bias") return {attr_int(n, "out_channels")};
            std::vector<int64_t> s = {attr_int(n, "out_channels"),
                                      attr_int(n, "in_channels") / attr_int(n, "groups")};
            for (int64_t k : attr_ints(n, "kernel_size")) s.push_back(k);
            return s;
          })
          .build());
}

} // namespace nnport::pivot
