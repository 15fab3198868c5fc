// Adaptive pooling to output sizes other than 1 (nn.AdaptiveAvgPool*d / AdaptiveMaxPool*d and
// F.adaptive_*), expanded into exact pivot ops from the static input size.
#pragma once

#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

// `attrs` are the bound row attributes with "output_size" (one entry per spatial axis, -1 for
// None); `reduce_kind` is ReduceMean (average) or ReduceMax. Reports needs-input-shape when a
// spatial size is not static.
TValue trace_adaptive_pool(Tracer& tracer, pivot::OpKind reduce_kind, pivot::ValueId x,
                           const pivot::Attrs& attrs, const std::string& name, Node call);

}  // namespace nnport::readers::pytorch
