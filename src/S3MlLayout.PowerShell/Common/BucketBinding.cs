using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// What names a bucket and where it lives, as -BucketName/-Override and the connection parameters give it.
    /// Plain data: New-MlBucket, Get-MlBucket and every -BucketName parameter set describe a bucket through it.
    /// </summary>
    internal sealed class BucketLocation
    {
        public string Name { get; set; } = "";
        public string? CompanyPrefix { get; set; }
        public string? Environment { get; set; }
        public string? TenantId { get; set; }
        public string? Region { get; set; }
        public string? LocalPath { get; set; }
        public string? ProfileName { get; set; }
        public string? ProfileLocation { get; set; }
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        /// <summary>Which parameter gave the keys (-Credential), for the verbose line; null is -AccessKey/-SecretKey.</summary>
        public string? KeySource { get; set; }
        public string? SessionToken { get; set; }
        public string? EndpointUrl { get; set; }
        public bool ForcePathStyle { get; set; }
        public bool SkipCertificateCheck { get; set; }
        public string? ExpectedBucketOwner { get; set; }
        /// <summary>Null when -TimeoutSec was not given.</summary>
        public int? TimeoutSec { get; set; }

        public bool AnyConnectionParameter =>
            ProfileName != null || ProfileLocation != null || AccessKey != null || SecretKey != null || SessionToken != null || EndpointUrl != null
            || ForcePathStyle || SkipCertificateCheck || ExpectedBucketOwner != null || TimeoutSec != null;
    }

    /// <summary>
    /// Binds a bucket that crossed a process boundary (Start-Job/Receive-Job, Invoke-Command, Import-Clixml): PowerShell
    /// hands over a property bag typed Deserialized.S3MlLayout.Engine.Storage.MlBucket. It is rebuilt from its name and
    /// non-secret connection settings; the credentials are resolved afresh when the bucket is opened
    /// (<see cref="MlCmdlet"/>.OpenExistingBucket), where errors keep their ErrorIds. A tenant spec (Import-MlTenant)
    /// and any object with a BucketName property (a CSV row) become a named, not yet connected bucket. Anything else
    /// is passed on unchanged, so it still fails to bind (InputObjectNotBound): a [pscustomobject] with a Name is not a bucket.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class BucketTransformationAttribute : ArgumentTransformationAttribute
    {
        internal const string DeserializedTypeName = "Deserialized.S3MlLayout.Engine.Storage.MlBucket";

        internal const string DeserializedSpecTypeName = "Deserialized.S3MlLayout.Engine.Tenants.MlBucketSpec";

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? bare = inputData is PSObject w ? w.BaseObject : inputData;
            if (bare is MlBucket || bare == null) return inputData;
            // A tenant spec is a bucket too: named here, connected by the cmdlet (BucketInputCommandBase.BucketOf) from
            // the spec's connection properties, which bind by name, and the parameters given beside it.
            if (bare is MlBucketSpec spec) return FromSpec(spec);
            if (!(inputData is PSObject wrapped)) return inputData;
            if (wrapped.TypeNames.Contains(DeserializedTypeName)) return Rebuild(wrapped) ?? inputData;
            // Any other object (a CSV row, a copied spec) that names its bucket in BucketName; module objects never do.
            string? name = Text(wrapped, "BucketName") ?? (wrapped.TypeNames.Contains(DeserializedSpecTypeName) ? Text(wrapped, "Name") : null);
            if (name == null || (bare.GetType().Namespace ?? "").StartsWith("S3MlLayout", StringComparison.Ordinal)) return inputData;
            return Described(name, wrapped);
        }

        /// <summary>
        /// A bucket that is named but not connected yet: S3 with no connection (the marker <see cref="IsUnconnected"/>
        /// tests). It carries the name parts and what to provision (solutions, template, folders, dates) of its source.
        /// </summary>
        /// <summary>
        /// The connection a named bucket's source carries (a spec's profile, endpoint ...): given as an argument
        /// (-Bucket $spec) rather than piped, its properties do not bind to the connection parameters, so they ride here.
        /// </summary>
        internal static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MlBucket, BucketLocation> Carried =
            new System.Runtime.CompilerServices.ConditionalWeakTable<MlBucket, BucketLocation>();

        private static MlBucket Described(string name, PSObject data)
        {
            var bucket = NamedFrom(name, data);
            Carried.Add(bucket, new BucketLocation
            {
                Name = name, Region = Text(data, "Region"), LocalPath = Text(data, "LocalPath"), ProfileName = Text(data, "ProfileName"),
                ProfileLocation = Text(data, "ProfileLocation"), EndpointUrl = Text(data, "EndpointUrl"),
                ForcePathStyle = Value(data, "ForcePathStyle") is object flag && LanguagePrimitives.IsTrue(flag is string text ? text.Trim().ToLowerInvariant() is "true" or "yes" or "1" : flag),
            });
            return bucket;
        }

        private static MlBucket NamedFrom(string name, PSObject data) => new MlBucket
        {
            Name = name, Kind = StorageKind.S3, Uri = $"s3://{name}/",
            CompanyPrefix = Text(data, "CompanyPrefix"), Environment = Text(data, "Environment"), TenantId = Text(data, "TenantId"), Region = Text(data, "Region"),
            Solution = Texts(Value(data, "Solution")), Template = Text(data, "Template"), Include = Texts(Value(data, "Include")),
            Date = TextListAttribute.Split(Value(data, "Date")).Select(d => d is DateTime t ? t : DateTime.TryParse(d.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed) ? parsed : (DateTime?)null)
                .Where(d => d != null).Select(d => d!.Value).ToArray(),
        };

        private static MlBucket FromSpec(MlBucketSpec spec)
        {
            var bucket = new MlBucket
            {
                Name = spec.Name, Kind = StorageKind.S3, Uri = $"s3://{spec.Name}/",
                CompanyPrefix = spec.CompanyPrefix, Environment = spec.Environment, TenantId = spec.TenantId, Region = spec.Region,
                Solution = spec.Solution, Template = spec.Template as string ?? spec.Layout?.Name, Include = spec.Include, Date = spec.Date,
            };
            // As New-MlBucket's bucket of a spec: Add-MlSolution takes the spec's resolved template and writes its documents.
            if (spec.Layout != null) Engine.Tenants.TenantOrigin.Attach(bucket, new Engine.Tenants.TenantOrigin(spec, spec.ToBucketSettings()));
            Carried.Add(bucket, new BucketLocation
            {
                Name = spec.Name, Region = spec.Region, LocalPath = spec.LocalPath, ProfileName = spec.ProfileName, ProfileLocation = spec.ProfileLocation,
                EndpointUrl = spec.EndpointUrl, ForcePathStyle = spec.ForcePathStyle,
            });
            return bucket;
        }

        /// <summary>A bucket this attribute named from a spec or an object, not yet connected.</summary>
        internal static bool IsUnconnected(MlBucket bucket) => bucket.Kind == StorageKind.S3 && bucket.Connection == null && bucket.LocalPath == null;

        /// <summary>The bucket a deserialized bucket stands for; null when its properties do not make one.</summary>
        internal static MlBucket? Rebuild(PSObject data)
        {
            string? name = Text(data, "Name");
            if (name == null || !Enum.TryParse<StorageKind>(Text(data, "Target"), true, out var kind)) return null;
            try { BucketNaming.Validate(name); }
            catch (Engine.Errors.MlLayoutException) { return null; }
            var bucket = new MlBucket
            {
                Name = name, Kind = kind, Region = Text(data, "Region"),
                CompanyPrefix = Text(data, "CompanyPrefix"), Environment = Text(data, "Environment"), TenantId = Text(data, "TenantId"),
                CreatedUtc = Value(data, "CreatedUtc") as DateTime?,
                Solution = Texts(Value(data, "Solution")), Template = Text(data, "Template"), Include = Texts(Value(data, "Include")),
                Date = TextListAttribute.Split(Value(data, "Date")).OfType<DateTime>().ToArray(),
            };
            if (kind == StorageKind.Local)
            {
                // The bucket directory itself; its last segment must be the bucket, as New-MlBucket made it.
                string? directory = Text(data, "LocalPath")?.TrimEnd('/', '\\');
                if (directory == null || !Path.IsPathRooted(directory) || !string.Equals(Path.GetFileName(directory), name, StringComparison.Ordinal)) return null;
                bucket.LocalPath = directory;
                bucket.Uri = directory + Path.DirectorySeparatorChar;
                return bucket;
            }
            // Only the description travels; S3Buckets.Attach replaces it with the freshly resolved connection.
            var connection = Value(data, "Connection") as PSObject;
            string? Setting(string property) => (connection != null ? Text(connection, property) : null);
            bool Flag(string property) => connection != null && Value(connection, property) is bool b && b;
            bucket.Uri = $"s3://{name}/";
            bucket.Connection = new BucketConnection
            {
                Region = Setting("Region") ?? bucket.Region ?? "",
                RegionSource = "the deserialized bucket",
                EndpointUrl = Setting("EndpointUrl") ?? Text(data, "EndpointUrl"),
                EndpointSource = "the deserialized bucket",
                ForcePathStyle = Flag("ForcePathStyle"),
                ProfileName = Setting("ProfileName"),
                CredentialSource = "not resolved yet",
                ExpectedBucketOwner = Setting("ExpectedBucketOwner"),
                SkipCertificateCheck = Flag("SkipCertificateCheck"),
                Timeout = connection != null && Value(connection, "Timeout") is TimeSpan timeout ? timeout : TimeSpan.Zero,
            };
            return bucket;
        }

        private static object? Value(PSObject data, string property)
        {
            var value = data.Properties[property]?.Value;
            return value is PSObject inner && !(inner.BaseObject is PSCustomObject) ? inner.BaseObject : value;
        }

        private static string? Text(PSObject data, string property)
        {
            var value = Value(data, property);
            string? text = value is PSObject inner ? inner.ToString() : value?.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }

        private static string[] Texts(object? value) => TextListAttribute.Split(value).Select(o => o.ToString()).ToArray();
    }

    /// <summary>
    /// A list given as one text, as a CSV cell holds it: 'churn;fraud' or 'churn, fraud' is two items, and an empty
    /// cell is no item at all. Arrays pass through, their text elements split the same way.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TextListAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Split(inputData);

        internal static object[] Split(object? input)
        {
            var items = new List<object>();
            void Add(object? item)
            {
                item = item is PSObject wrapped ? wrapped.BaseObject : item;
                switch (item)
                {
                    case null: return;
                    case string text:
                        items.AddRange(text.Split(';', ',').Select(t => t.Trim()).Where(t => t.Length > 0));
                        return;
                    case IEnumerable list when !(item is IDictionary):
                        foreach (var element in list) Add(element);
                        return;
                    default:
                        items.Add(item);
                        return;
                }
            }
            Add(input);
            return items.ToArray();
        }
    }

    /// <summary>An empty (or blank) text means "not given": a CSV cell left empty binds as if the column were absent.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EmptyAsNullAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text && text.Trim().Length == 0 ? null : inputData;
    }

    /// <summary>An empty text means the parameter's default (a number column left empty in a CSV).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EmptyAsDefaultAttribute : ArgumentTransformationAttribute
    {
        private readonly object _default;
        public EmptyAsDefaultAttribute(int value) { _default = value; }

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text && text.Trim().Length == 0 ? _default : inputData;
    }

    /// <summary>
    /// A switch given as text (CSV): true/false, yes/no, 1/0; empty is false. PowerShell itself refuses text for a
    /// switch, so without this a ForcePathStyle column could not bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SwitchTextAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (!((inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text)) return inputData;
            switch (text.Trim().ToLowerInvariant())
            {
                case "": case "false": case "no": case "0": case "$false": return false;
                case "true": case "yes": case "1": case "$true": return true;
                default: throw new ArgumentTransformationMetadataException($"'{text}' is not a switch value; use true or false (or leave it empty).");
            }
        }
    }

    /// <summary>
    /// Tags as a hashtable, any dictionary, an object's properties (ConvertFrom-Json, a tenant file) or a CSV text
    /// 'cost-center=42;owner=ml'; empty is no tags.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TableAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : inputData;
            if (value is IEnumerable list && !(value is string) && !(value is IDictionary))
                return list.Cast<object?>().Select(ToTable).Where(t => t != null).ToArray();
            return ToTable(value);
        }

        internal static Hashtable? ToTable(object? value)
        {
            value = value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value;
            switch (value)
            {
                case null: return null;
                case Hashtable table: return table;
                case IDictionary dictionary:
                    var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (DictionaryEntry entry in dictionary) copy[entry.Key] = entry.Value;
                    return copy;
                case PSObject properties:
                    var fromObject = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var property in properties.Properties) fromObject[property.Name] = property.Value;
                    return fromObject;
                case string text:
                    if (text.Trim().Length == 0) return null;
                    var fromText = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var pair in text.Split(';', ',').Select(p => p.Trim()).Where(p => p.Length > 0))
                    {
                        int equals = pair.IndexOf('=');
                        if (equals <= 0) throw new ArgumentTransformationMetadataException($"'{pair}' is not key=value; write tags as 'key=value;key2=value2'.");
                        fromText[pair.Substring(0, equals).Trim()] = pair.Substring(equals + 1).Trim();
                    }
                    return fromText;
                default: return null;
            }
        }
    }
}
