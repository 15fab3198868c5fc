// keras.datasets through torchvision (see builtin_datasets.h). torchvision reads the same
// original files as keras.datasets (the MNIST and Fashion-MNIST IDX files, the CIFAR-10 Python
// batches in order), so the samples come in the same order, and its `.data` already has Keras'
// layout: uint8 images (N, 28, 28) or channels-last (N, 32, 32, 3). Labels are uint8 in Keras,
// (N,) or (N, 1) as the Keras row says ("labels" fact).
#include "writers/pytorch/builtin_datasets.h"

#include "frameworks/training_table.h"

namespace nnport::writers::pytorch {

std::vector<std::string> builtin_dataset_helper() {
  return {
      "def load_keras_dataset(torchvision_class, column_labels=False):",
      "    \"\"\"keras.datasets.<name>.load_data() through torchvision (the same files): "
      "((x_train, y_train),",
      "    (x_test, y_test)) as NumPy uint8 arrays in Keras' order and shapes.\"\"\"",
      "    import torchvision",
      "",
      "    # Keras' cache folder: $KERAS_HOME/datasets, ~/.keras/datasets by default.",
      "    home = os.environ.get(\"KERAS_HOME\", os.path.join(os.path.expanduser(\"~\"), "
      "\".keras\"))",
      "    root = os.path.join(home, \"datasets\")",
      "    splits = []",
      "    for train in (True, False):",
      "        ds = getattr(torchvision.datasets, torchvision_class)(root, train=train, "
      "download=True)",
      "        x = np.asarray(ds.data, dtype=np.uint8)",
      "        y = np.asarray(ds.targets, dtype=np.uint8)",
      "        splits.append((x, y.reshape(-1, 1) if column_labels else y))",
      "    return tuple(splits)",
      "",
      "",
  };
}

std::string builtin_dataset_call(const pivot::Dataset& dataset) {
  auto name = dataset.args.find("name");
  if (name == dataset.args.end()) return {};
  // The helper returns both splits, as keras.datasets' load_data().
  if (dataset.builtin_split.kind != pivot::SetupValue::Kind::String ||
      dataset.builtin_split.text != "both")
    return {};
  const auto* row = frameworks::find_row_for_kind(frameworks::pytorch::training_rows(),
                                                  pivot::SetupFamily::Dataset, name->second.text);
  const std::string prefix = "torchvision.datasets.";
  if (!row || row->symbol.rfind(prefix, 0) != 0) return {};
  auto labels = dataset.args.find("labels");
  const bool column = labels != dataset.args.end() && labels->second.text == "N,1";
  return "load_keras_dataset(\"" + row->symbol.substr(prefix.size()) + "\"" +
         (column ? ", column_labels=True" : "") + ")";
}

}  // namespace nnport::writers::pytorch
