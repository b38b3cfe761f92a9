using NetDetect.Api.Models;

namespace NetDetect.Api.Processing;

/// <summary>Loads models for the detection engine (NetDetect.Core.Detection), the code <c>netdetect detect</c> runs.</summary>
public sealed class DetectionModelLoader : IModelLoader
{
    public ILoadedModel Load(string id, string path) =>
        throw new NotSupportedException("the detection engine (NetDetect.Core.Detection) is not in this build yet");
}
