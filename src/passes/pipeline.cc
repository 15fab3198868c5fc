// Pass pipeline (see pipeline.h).
#include "passes/pipeline.h"

#include "passes/inline_calls.h"
#include "passes/layout_planning.h"
#include "passes/merge_stacked_recurrent.h"
#include "passes/shape_inference.h"
#include "passes/simplify.h"
#include "passes/verify.h"

namespace nnport::passes {

bool verify_or_report(const pivot::Model& model, const char* after_pass, DiagnosticEngine& diags) {
  const auto problems = verify(model);
  for (const auto& problem : problems)
    diags.error(Code::VerifierFailure, SourceLocation{model.source_file, 0, 0})
        << "internal error after " << after_pass << ": " << problem;
  return problems.empty();
}

bool prepare_for_channels_last(pivot::Model& model, DiagnosticEngine& diags) {
  if (!verify_or_report(model, "reading", diags)) return false;
  if (!inline_calls(model, diags) || !verify_or_report(model, "inlining", diags)) return false;
  if (!infer_shapes(model, diags)) return false;
  if (!plan_channels_last(model, diags) || !verify_or_report(model, "layout planning", diags))
    return false;
  simplify(model);
  if (!verify_or_report(model, "simplification", diags)) return false;
  return infer_shapes(model, diags);
}

bool prepare_for_channels_first(pivot::Model& model, DiagnosticEngine& diags) {
  if (!verify_or_report(model, "reading", diags)) return false;
  if (!inline_calls(model, diags) || !verify_or_report(model, "inlining", diags)) return false;
  if (!infer_shapes(model, diags)) return false;
  if (!plan_channels_first(model, diags) || !verify_or_report(model, "layout planning", diags))
    return false;
  merge_stacked_recurrent(model);
  if (!verify_or_report(model, "merging stacked recurrences", diags)) return false;
  return infer_shapes(model, diags);
}

}  // namespace nnport::passes
