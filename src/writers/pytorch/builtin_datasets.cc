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

namespace {

// The PyTorch row of a dataset read from Keras' cached .npz file ("file" fact), else null.
const frameworks::SetupRow* npz_row(const pivot::Dataset& dataset) {
  auto name = dataset.args.find("name");
  if (name == dataset.args.end() || dataset.builtin_split.kind != pivot::SetupValue::Kind::String ||
      (dataset.builtin_split.text != "both" && dataset.builtin_split.text != "word_index"))
    return nullptr;
  const auto* row = frameworks::find_row_for_kind(frameworks::pytorch::training_rows(),
                                                  pivot::SetupFamily::Dataset, name->second.text);
  if (!row || !row->implied.count("file")) return nullptr;
  return dataset.builtin_split.text == "both" || row->implied.count("word_index") ? row : nullptr;
}

std::string value_text(const pivot::SetupValue& v) {
  switch (v.kind) {
    case pivot::SetupValue::Kind::Int: return std::to_string(v.i);
    case pivot::SetupValue::Kind::Float: {
      std::string s = std::to_string(v.f);
      while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
      return s;
    }
    default: return v.text;
  }
}

}  // namespace

std::vector<std::string> npz_dataset_helper(const pivot::Dataset& dataset) {
  const auto* row = npz_row(dataset);
  if (!row) return {};
  const std::string name = dataset.args.at("name").text;
  const std::string cache =
      "    home = os.environ.get(\"KERAS_HOME\", os.path.join(os.path.expanduser(\"~\"), "
      "\".keras\"))";
  if (dataset.builtin_split.text == "word_index")
    return {
        "def load_" + name + "_word_index():",
        "    \"\"\"keras.datasets." + name +
            ".get_word_index(): Keras' cached word index (word -> id).\"\"\"",
        cache,
        "    with open(os.path.join(home, \"datasets\", \"" + row->implied.at("word_index") +
            "\")) as f:",
        "        return json.load(f)",
        "",
        "",
    };
  const std::string words = "num_words=None, skip_top=0, maxlen=None, seed=113,\n" +
                            std::string(10 + name.size(), ' ') +
                            "start_char=1, oov_char=2, index_from=3";
  const std::string file = "    with np.load(os.path.join(home, \"datasets\", \"" +
                           row->implied.at("file") + "\"), allow_pickle=True) as f:";
  // keras/src/datasets/{reuters,imdb}.py: ids shifted by index_from after a start_char,
  // sequences of maxlen or more dropped, ids outside [skip_top, num_words) replaced by oov_char.
  const std::vector<std::string> word_ids = {
      "    if not num_words:",
      "        num_words = max(max(s) for s in x)",
      "    if oov_char is not None:",
      "        x = [[w if skip_top <= w < num_words else oov_char for w in s] for s in x]",
      "    else:",
      "        x = [[w for w in s if skip_top <= w < num_words] for s in x]",
  };
  std::vector<std::string> out = {
      "def load_" + name + "(" +
          (name == "reuters" ? "num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,"
                               "\n                 start_char=1, oov_char=2, index_from=3"
           : name == "imdb"  ? words
                             : "test_split=0.2, seed=113") +
          "):",
  };
  if (name == "imdb") {
    // keras/src/datasets/imdb.py: the published splits, each shuffled with the same generator
    // (train first), prepared together, then cut where the training samples end.
    for (const char* l : {
             "    \"\"\"keras.datasets.imdb.load_data(): Keras' cached file read with NumPy, each "
             "split",
             "    shuffled and prepared as Keras does: ((x_train, y_train), (x_test, "
             "y_test)).\"\"\"",
         })
      out.push_back(l);
    out.push_back(cache);
    out.push_back(file);
    for (const char* l : {
             "        splits = [(f[\"x_train\"], f[\"y_train\"]), (f[\"x_test\"], f[\"y_test\"])]",
             "    rng = np.random.RandomState(seed)",
             "    prepared = []",
             "    for x, y in splits:",
             "        indices = np.arange(len(x))",
             "        rng.shuffle(indices)",
             "        x, y = x[indices], y[indices]",
             "        if start_char is not None:",
             "            x = [[start_char] + [w + index_from for w in s] for s in x]",
             "        else:",
             "            x = [[w + index_from for w in s] for s in x]",
             "        if maxlen:",
             "            kept = [i for i, s in enumerate(x) if len(s) < maxlen]",
             "            x, y = [x[i] for i in kept], y[kept]",
             "        prepared.append((x, y))",
             "    (x_train, y_train), (x_test, y_test) = prepared",
             "    x = x_train + x_test",
         })
      out.push_back(l);
    out.insert(out.end(), word_ids.begin(), word_ids.end());
    for (const char* l : {
             "    split = len(x_train)",
             "    return ((np.array(x[:split], dtype=\"object\"), np.asarray(y_train)),",
             "            (np.array(x[split:], dtype=\"object\"), np.asarray(y_test)))",
         })
      out.push_back(l);
    out.push_back("");
    out.push_back("");
    return out;
  }
  for (const std::string& l : {
           "    \"\"\"keras.datasets." + name +
               ".load_data(): Keras' cached file read with NumPy, shuffled and split",
           std::string("    as Keras does: ((x_train, y_train), (x_test, y_test)).\"\"\""),
           cache,
           file,
           std::string("        x, y = f[\"x\"], f[\"y\"]"),
           std::string("    indices = np.arange(len(x))"),
           std::string("    np.random.RandomState(seed).shuffle(indices)"),
           std::string("    x, y = x[indices], y[indices]"),
       })
    out.push_back(l);
  if (name == "reuters") {
    for (const char* l : {
             "    if start_char is not None:",
             "        x = [[start_char] + [w + index_from for w in s] for s in x]",
             "    elif index_from:",
             "        x = [[w + index_from for w in s] for s in x]",
             "    if maxlen:",
             "        kept = [i for i, s in enumerate(x) if len(s) < maxlen]",
             "        x, y = [x[i] for i in kept], y[kept]",
         })
      out.push_back(l);
    out.insert(out.end(), word_ids.begin(), word_ids.end());
    for (const char* l : {
             "    split = int(len(x) * (1 - test_split))",
             "    return ((np.array(x[:split], dtype=\"object\"), np.array(y[:split])),",
             "            (np.array(x[split:], dtype=\"object\"), np.array(y[split:])))",
         })
      out.push_back(l);
  } else {
    // keras/src/datasets/boston_housing.py: the first int(len(x) * (1 - test_split)) shuffled
    // samples are the training split.
    out.push_back("    split = int(len(x) * (1 - test_split))");
    out.push_back(
        "    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), "
        "np.array(y[split:]))");
  }
  out.push_back("");
  out.push_back("");
  return out;
}

std::string npz_dataset_call(const pivot::Dataset& dataset) {
  const auto* row = npz_row(dataset);
  if (!row) return {};
  if (dataset.builtin_split.text == "word_index")
    return "load_" + dataset.args.at("name").text + "_word_index()";
  std::string call = "load_" + dataset.args.at("name").text + "(";
  bool first = true;
  for (const auto& arg : row->args) {
    auto it = dataset.args.find(arg.canonical);
    if (it == dataset.args.end()) continue;
    call += (first ? "" : ", ") + arg.spelled + "=" + value_text(it->second);
    first = false;
  }
  return call + ")";
}

}  // namespace nnport::writers::pytorch
