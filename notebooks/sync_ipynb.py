# Regenerates notebooks/{retrain,evaluate}.ipynb from the .cs files by the rule of notebooks/README.md. Run from the repository root: python3 notebooks/sync_ipynb.py
import json,sys
for name in ["retrain","evaluate"]:
    src=open(f"notebooks/{name}.cs").read()
    parts=src.split("\n// %%\n")
    header,cells=parts[0],parts[1:]
    intro=[l[3:] if l.startswith("// ") else l for l in header.splitlines() if not l.startswith("#:")]
    def code(text):
        lines=text.split("\n")
        return {"cell_type":"code","execution_count":None,"metadata":{"dotnet_interactive":{"language":"csharp"},"polyglot_notebook":{"kernelName":"csharp"}},"outputs":[],"source":[l+"\n" for l in lines[:-1]]+[lines[-1]]}
    nb={"cells":[{"cell_type":"markdown","metadata":{},"source":[f"# {name}\n","\n"]+[l+"\n" for l in intro]},
                 code('#r "../src/NetDetect.Core/bin/Release/net10.0/NetDetect.Core.dll"\n#r "nuget: Parquet.Net, 6.1.0"\n#r "nuget: Microsoft.ML, 5.0.1"\n#r "nuget: Microsoft.ML.LightGbm, 5.0.1"')]
        +[code(c.rstrip("\n")) for c in cells],
        "metadata":{"kernelspec":{"display_name":".NET (C#)","language":"C#","name":".net-csharp"},"language_info":{"name":"polyglot-notebook"},"polyglot_notebook":{"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}},
        "nbformat":4,"nbformat_minor":5}
    open(f"notebooks/{name}.ipynb","w").write(json.dumps(nb,indent=1,ensure_ascii=False)+"\n")
