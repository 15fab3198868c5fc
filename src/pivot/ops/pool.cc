// Windowed pooling. Global and adaptive-to-1 pooling are reductions (reduction.cc).
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {
namespace {

SchemaBuilder pool_schema(OpKind kind, std::string summary) {
  return std::move(
      SchemaBuilder(kind, std::move(summary))
          .required_attr("kernel_size", AttrType::Ints, "window size per spatial axis")
          .attr("stride", AttrType::Ints, std::vector<int64_t>{},
                "step per axis; [] means equal to kernel_size")
          .attr("pads", AttrType::Ints, std::vector<int64_t>{},
                "padding [before_0, after_0, ...]; [] means none")
          .attr("ceil_mode", AttrType::Bool, false, "round the output size up (PyTorch)")
          .attr("data_format", AttrType::String, std::string("channels_first"),
                "'channels_first' or 'channels_last'")
          .shape([](ShapeContext& ctx) {
            // Stride defaults to the kernel size for pooling, unlike conv.
            if (attr_ints(ctx.node, "stride").empty()) {
              Node copy = ctx.node;
              copy.attrs["stride"] = attr_ints(ctx.node, "kernel_size");
              ShapeContext inner{copy, ctx.inputs, ctx.outputs, {}};
              bool ok = spatial::pool_shape(inner);
              ctx.error = inner.error;
              return ok;
            }
            return spatial::pool_shape(ctx);
          }));
}

}  // namespace

void register_pool_ops(std::vector<OpSchema>& out) {
  out.push_back(pool_schema(OpKind::MaxPool, "Maximum over sliding windows")
                    .doc("Padded cells never win (they count as -inf), in both frameworks.")
                    .build());
  out.push_back(pool_schema(OpKind::AvgPool, "Mean over sliding windows")
                    .doc("With count_include_pad=True (PyTorch default) padded zeros count in the "
                         "mean; Keras 'same' pooling excludes them (conventions row 3).")
                    .attr("count_include_pad", AttrType::Bool, true,
                          "whether padded cells count in the divisor")
                    .build());
}

}  // namespace nnport::pivot
