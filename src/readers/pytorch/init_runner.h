// Static execution of __init__: builds the module objects a class creates (layers, Sequential,
// ModuleList, instances of other classes of the file) and its constant attributes.
#pragma once

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

// Binds the constructor arguments of `cls` from defaults only (the top-level model). Reports
// not-constant for a parameter without default and returns nullopt.
std::optional<BoundArgs> default_constructor_args(Context& ctx, const ClassInfo& cls);

// Binds the constructor arguments of `cls` from the script's own construction call
// (`model = Net(num_classes=5)`): its constant arguments, defaults for the rest. Reports
// not-constant for an argument nnport cannot evaluate statically and returns nullopt.
std::optional<BoundArgs> call_constructor_args(Context& ctx, const ClassInfo& cls, Node call);

// Runs cls.__init__ with `args`; never returns null (failures become Unsupported parts).
InstancePtr instantiate(Context& ctx, const ClassInfo& cls, BoundArgs args,
                        const SourceLocation& where, std::string text);

// Evaluates a module-level expression that builds a module (`model = nn.Sequential(...)`);
// null when it is not a module construction.
InstancePtr build_module_expression(Context& ctx, Node expr);

// Runs a module-level builder function (`def build(): ... return nn.Sequential(...)`) with its
// parameters' defaults; null (after diagnostics) when it does not return a module.
InstancePtr build_from_builder(Context& ctx, Node function);

// Sets the state_dict path of a module object and its container children (first name wins).
void assign_paths(Instance& instance, const std::string& path);

}  // namespace nnport::readers::pytorch
