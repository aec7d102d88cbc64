using System.Text;
using System.Text.Json;

namespace TailHub.Pipeline.Structure;

/// <summary>
/// A line that is one JSON object: its level and time read from the usual keys at its top level (and ECS's
/// <c>log.level</c>, nested or dotted), and, for alert conditions, any field by its dotted path. Read with
/// <see cref="Utf8JsonReader"/> over the bytes: the whole object is checked to be JSON, nested values are skipped,
/// nothing is allocated.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
public static class JsonLine
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>
    /// Whether <paramref name="json"/> may be a JSON object: <c>{"</c> or <c>{}</c> at its start (spaces aside) and
    /// <c>}</c> at its end. Cheap, and keeps the JSON reader (which throws on what is not JSON) away from the
    /// <c>{'a': 1}</c> and <c>{0}</c> that plain text is full of.
    /// </summary>
    public static bool LooksLikeObject(ReadOnlySpan<byte> json)
    {
        json = json.Trim(" \t"u8);
        if (json.Length < 2 || json[0] != '{' || json[^1] != '}') return false;
        var inner = json[1..].TrimStart(" \t"u8);
        return inner.Length > 0 && inner[0] is (byte)'"' or (byte)'}';
    }

    /// <summary>Reads the whole object; false when it is not valid JSON.</summary>
    internal static bool TryClassify(ReadOnlySpan<byte> json, TimeZoneInfo zone, out LineLevel level, out long at)
    {
        level = LineLevel.Unknown;
        at = 0;
        var clef = false;
        Span<byte> name = stackalloc byte[32];
        var reader = new Utf8JsonReader(json, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = name[..Copy(ref reader, name)];
                var isLevel = level == LineLevel.Unknown && FieldNames.IsLevel(key);
                var isTime = at == 0 && !isLevel && FieldNames.IsTime(key);
                clef |= FieldNames.IsClefMessage(key);
                var isLog = key.SequenceEqual("log"u8);
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String when isLevel:
                        level = LevelDetector.FromName(name[..Copy(ref reader, name)]);
                        break;
                    case JsonTokenType.String when isTime:
                        if (reader.ValueSpan.Length <= 64 && !reader.ValueIsEscaped) LineTimestamp.TryParseValue(reader.ValueSpan, zone, out at);
                        break;
                    case JsonTokenType.Number when isLevel:
                        level = reader.TryGetDouble(out var number) ? LevelDetector.FromNumber(number) : LineLevel.Unknown;
                        break;
                    case JsonTokenType.Number when isTime:
                        if (reader.TryGetDouble(out var epoch)) LineTimestamp.TryFromEpoch(epoch, out at);
                        break;
                    case JsonTokenType.StartObject when isLog && level == LineLevel.Unknown:
                        level = NestedLevel(ref reader, name);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        if (level == LineLevel.Unknown && clef) level = LineLevel.Info;
        return true;
    }

    /// <summary>ECS's <c>"log":{"level":"info",…}</c>: the level inside; the reader is left at the object's end.</summary>
    private static LineLevel NestedLevel(ref Utf8JsonReader reader, scoped Span<byte> name)
    {
        var level = LineLevel.Unknown;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLevel = name[..Copy(ref reader, name)].SequenceEqual("level"u8);
            reader.Read();
            if (isLevel && reader.TokenType == JsonTokenType.String) level = LevelDetector.FromName(name[..Copy(ref reader, name)]);
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }
        return level;
    }

    /// <summary>
    /// The value of the field at <paramref name="path"/> (<c>status</c>, <c>http.response.status_code</c>; a key that
    /// itself contains dots is found too) as text: a string's text, a number's or literal's JSON, an object's or array's
    /// raw JSON. Null when the line has no such field or is not a JSON object.
    /// </summary>
    public static string? Field(ReadOnlySpan<byte> json, string path)
    {
        var reader = new Utf8JsonReader(json, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            return Find(ref reader, json, path);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Find(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string path)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (key == path) return Text(ref reader, json);
            if (reader.TokenType == JsonTokenType.StartObject && path.Length > key.Length + 1 && path[key.Length] == '.' && path.StartsWith(key, StringComparison.Ordinal))
            {
                if (Find(ref reader, json, path[(key.Length + 1)..]) is { } found) return found;
                continue;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }
        return null;
    }

    private static string Text(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(json[start..((int)reader.TokenStartIndex + 1)]);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>Copies the current name or string, unescaped, into <paramref name="buffer"/>; 0 bytes when it does not fit (no key or level is that long).</summary>
    private static int Copy(ref Utf8JsonReader reader, scoped Span<byte> buffer) =>
        reader.HasValueSequence || reader.ValueSpan.Length > buffer.Length ? 0 : reader.CopyString(buffer);
}
