using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.S3
{
    public enum BucketCreateOutcome { Created, AlreadyOwned }

    /// <summary>Creates buckets and reads and applies their settings. Existing user policy statements, tags and lifecycle rules are kept.</summary>
    public sealed class S3BucketAdmin
    {
        private const string TlsStatementId = "S3MlLayoutDenyInsecureTransport";
        private readonly S3Connection _connection;
        private readonly string _bucket;

        /// <param name="requests">Where to count requests; a target passes its own so one counter covers both.</param>
        public S3BucketAdmin(S3Connection connection, string bucket, Storage.RequestCounter? requests = null)
        {
            _connection = connection;
            _bucket = bucket;
            Requests = requests ?? new Storage.RequestCounter();
        }

        public Storage.RequestCounter Requests { get; }
        private AmazonS3Client Client => _connection.Client;
        private string? Owner => _connection.ExpectedBucketOwner;
        private string Uri => $"s3://{_bucket}/";

        /// <summary>Whether the bucket exists and this caller can reach it.</summary>
        public async Task<bool> ExistsAsync(CancellationToken cancellation)
        {
            Requests.CountOther();
            try
            {
                await Client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new MlLayoutException("BucketNameTaken", ErrorKind.ResourceExists, Uri,
                    $"The bucket '{_bucket}' exists but this caller cannot use it: it belongs to another account{(Owner != null ? $" (not {Owner})" : "")}, or the credentials lack permission. " +
                    "Bucket names are global: choose another name, or add -RandomSuffix against squatting.", e);
            }
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketReadFailed", Uri, "reading the bucket"); }
        }

        /// <summary>Creates the bucket in the connection's region with ACLs off; an existing bucket of ours is fine.</summary>
        public async Task<BucketCreateOutcome> CreateAsync(bool ownershipEnforced, CancellationToken cancellation)
        {
            Requests.CountPut();
            try
            {
                // UseClientRegion off: otherwise the SDK adds a second LocationConstraint of its own, taken from the client
                // config or, with a custom endpoint, from AWS_REGION / the profile ("EU" for eu-west-1), and S3 refuses both.
                var request = new PutBucketRequest { BucketName = _bucket, UseClientRegion = false };
                // The one LocationConstraint: the resolved region's code (never the legacy "EU"); none for us-east-1.
                if (_connection.Region != "us-east-1")
                    request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(_connection.Region) };
                if (ownershipEnforced) request.ObjectOwnership = ObjectOwnership.BucketOwnerEnforced;
                await Client.PutBucketAsync(request, cancellation).ConfigureAwait(false);
                return BucketCreateOutcome.Created;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou") { return BucketCreateOutcome.AlreadyOwned; }
            catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyExists")
            {
                throw new MlLayoutException("BucketNameTaken", ErrorKind.ResourceExists, Uri,
                    $"The bucket name '{_bucket}' is owned by another AWS account. Bucket names are global and predictable names can be taken by anyone: " +
                    "choose another name, or add -RandomSuffix.", e);
            }
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketCreateFailed", Uri, "creating the bucket"); }
        }

        /// <summary>The settings as S3 reports them now.</summary>
        /// <param name="declared">When it declares an inventory configuration: that configuration (by its id) and its
        /// destination's policy are read too (two GETs, and the caller's account once per connection).</param>
        public async Task<BucketSettings> ReadAsync(CancellationToken cancellation, BucketSettings? declared = null)
        {
            var settings = new BucketSettings();
            var reads = new List<Task>
            {
                Read("GetPublicAccessBlock", async () =>
                {
                    var c = (await Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false)).PublicAccessBlockConfiguration;
                    settings.BlockPublicAccess = c != null && c.BlockPublicAcls == true && c.IgnorePublicAcls == true && c.BlockPublicPolicy == true && c.RestrictPublicBuckets == true;
                }, () => settings.BlockPublicAccess = false),
                Read("GetBucketOwnershipControls", async () =>
                {
                    var r = await Client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.ObjectOwnership = r.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership?.Value;
                }, () => settings.ObjectOwnership = null),
                Read("GetBucketEncryption", async () =>
                {
                    var r = await Client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var rule = r.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault();
                    settings.Encryption = rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value;
                    settings.KmsKeyId = string.IsNullOrEmpty(rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionKeyManagementServiceKeyId) ? null : rule!.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId;
                    settings.BucketKeyEnabled = rule?.BucketKeyEnabled ?? false;
                }, () => settings.Encryption = null),
                Read("GetBucketVersioning", async () =>
                {
                    var r = await Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var status = r.VersioningConfig?.Status?.Value;
                    settings.Versioning = string.IsNullOrEmpty(status) ? "Off" : status;
                }, () => settings.Versioning = "Off"),
                Read("GetBucketPolicy", async () =>
                {
                    var r = await Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.TlsOnlyPolicy = HasTlsDeny(r.Policy);
                }, () => settings.TlsOnlyPolicy = false),
                Read("GetBucketTagging", async () =>
                {
                    var r = await Client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.Tags = (r.TagSet ?? new List<Tag>()).ToDictionary(t => t.Key, t => t.Value);
                }, () => settings.Tags = new Dictionary<string, string>()),
                Read("GetLifecycleConfiguration", async () =>
                {
                    var r = await Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    var rules = r.Configuration?.Rules ?? new List<LifecycleRule>();
                    settings.AbortIncompleteMultipartUploadDays = rules.FirstOrDefault(x => x.Id == BucketSettings.AbortRuleId)?.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
                    settings.LifecycleRules = rules.Where(x => x.Id != BucketSettings.AbortRuleId).Select(ToSpec).ToList();
                }, () => settings.LifecycleRules = new List<LifecycleRuleSpec>()),
            };
            if (declared?.Inventory is InventorySpec inventory)
            {
                reads.Add(Read("GetBucketInventoryConfiguration", async () =>
                {
                    // GET by id, not the list call: moto answers the list with OptionalFields ['Field'].
                    var r = await Client.GetBucketInventoryConfigurationAsync(new GetBucketInventoryConfigurationRequest { BucketName = _bucket, InventoryId = inventory.Id, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    settings.Inventory = ToSpec(r.InventoryConfiguration);
                }, () => settings.Inventory = null));
                reads.Add(Read("GetBucketPolicy (inventory destination)", async () =>
                {
                    var account = await SourceAccountAsync().ConfigureAwait(false);
                    var r = await Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = inventory.DestinationBucket, ExpectedBucketOwner = inventory.LandsIn(_bucket) ? Owner : null }, cancellation).ConfigureAwait(false);
                    settings.InventoryPolicy = GrantsInventory(r.Policy, inventory, _bucket, account);
                }, () => settings.InventoryPolicy = false));
            }
            await Task.WhenAll(reads).ConfigureAwait(false);
            return settings;
        }

        /// <summary>The changes that would bring the bucket to the desired settings: one per setting, in the order they are applied.</summary>
        public static IReadOnlyList<BucketChange> Plan(BucketSettings desired, BucketSettings actual)
        {
            var differences = BucketSettings.Compare(desired, actual);
            var changes = new List<BucketChange>();
            foreach (var setting in AppliedSettings)
            {
                var relevant = differences.Where(d => BucketSettings.SettingOf(d.Setting) == setting).ToList();
                if (relevant.Count == 0) continue;
                string Side(Func<SettingDifference, string> value) =>
                    string.Join(", ", relevant.Select(d => d.Setting == setting ? value(d) : $"{d.Setting.Substring(d.Setting.IndexOf(':') + 1)}={value(d)}"));
                changes.Add(new BucketChange(setting, Side(d => d.Actual), Side(d => d.Expected)));
            }
            return changes;
        }

        private static readonly string[] AppliedSettings =
            { nameof(BucketSettings.BlockPublicAccess), nameof(BucketSettings.ObjectOwnership), nameof(BucketSettings.Encryption), nameof(BucketSettings.Versioning), nameof(BucketSettings.TlsOnlyPolicy), "Tag", "Lifecycle",
              BucketSettings.InventorySetting, BucketSettings.InventoryPolicySetting };


        /// <summary>
        /// Applies the planned changes the caller approved (ShouldProcess runs on the caller's thread, before this):
        /// every setting at once, since each is its own sub-resource of the bucket, so a bucket's settings take one
        /// round trip instead of seven. Returns what was applied, in the plan's order. A failed setting does not stop
        /// the others; the first failure is thrown once all have finished.
        /// </summary>
        /// <param name="bucketIsNew">The bucket was created a moment ago by this run: it has no policy or lifecycle
        /// rules of anyone else's to merge with, so they are not read first.</param>
        public async Task<IReadOnlyList<BucketChange>> ApplyAsync(BucketSettings desired, BucketSettings actual, IReadOnlyCollection<BucketChange> approved,
            CancellationToken cancellation, bool bucketIsNew = false)
        {
            var puts = new List<(BucketChange Change, Func<Task> Put)>();
            void Add(string setting, Func<Task> put)
            {
                if (approved.FirstOrDefault(c => c.Setting == setting) is BucketChange change) puts.Add((change, put));
            }

            Add(nameof(BucketSettings.BlockPublicAccess), () => Client.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
            }, cancellation));
            Add(nameof(BucketSettings.ObjectOwnership), () => Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                OwnershipControls = new OwnershipControls { Rules = new List<OwnershipControlsRule> { new OwnershipControlsRule { ObjectOwnership = new ObjectOwnership(desired.ObjectOwnership) } } },
            }, cancellation));
            Add(nameof(BucketSettings.Encryption), () => Client.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new ServerSideEncryptionRule
                        {
                            ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                            {
                                ServerSideEncryptionAlgorithm = new ServerSideEncryptionMethod(desired.Encryption),
                                ServerSideEncryptionKeyManagementServiceKeyId = desired.KmsKeyId,
                            },
                            BucketKeyEnabled = desired.BucketKeyEnabled,
                        },
                    },
                },
            }, cancellation));
            Add(nameof(BucketSettings.Versioning), () => Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, cancellation));
            // One bucket policy, one writer: when the inventory reports land in this bucket and both statements are due,
            // the TLS put carries the inventory statement too (two puts at once would each drop the other's statement).
            var inventory = desired.Inventory;
            bool tlsDue = approved.Any(c => c.Setting == nameof(BucketSettings.TlsOnlyPolicy));
            bool inventoryPolicyDue = inventory != null && approved.Any(c => c.Setting == BucketSettings.InventoryPolicySetting);
            bool together = tlsDue && inventoryPolicyDue && inventory!.LandsIn(_bucket);
            Add(nameof(BucketSettings.TlsOnlyPolicy), async () =>
            {
                string? account = together ? await SourceAccountAsync(required: true).ConfigureAwait(false) : null;
                string? existing = bucketIsNew ? null : await ReadPolicy(_bucket, Owner, cancellation).ConfigureAwait(false);
                string policy = WithTlsDeny(existing, _bucket);
                if (together) policy = WithStatement(policy, InventoryStatement(inventory!, _bucket, account!));
                await Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = _bucket, ExpectedBucketOwner = Owner, Policy = policy }, cancellation).ConfigureAwait(false);
            });
            Add("Tag", () =>
            {
                var tags = new Dictionary<string, string>(actual.Tags ?? new Dictionary<string, string>());
                foreach (var tag in desired.Tags ?? new Dictionary<string, string>()) tags[tag.Key] = tag.Value; // user tags are kept
                return Client.PutBucketTaggingAsync(new PutBucketTaggingRequest
                {
                    BucketName = _bucket, ExpectedBucketOwner = Owner,
                    TagSet = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
                }, cancellation);
            });
            Add("Lifecycle", () => PutLifecycle(desired, bucketIsNew, cancellation));
            if (inventory != null)
            {
                Add(BucketSettings.InventorySetting, () => Client.PutBucketInventoryConfigurationAsync(new PutBucketInventoryConfigurationRequest
                {
                    BucketName = _bucket, ExpectedBucketOwner = Owner, InventoryId = inventory.Id, InventoryConfiguration = ToConfiguration(inventory),
                }, cancellation));
                if (!together) Add(BucketSettings.InventoryPolicySetting, () => PutInventoryPolicy(inventory, bucketIsNew, cancellation));
            }

            var results = await Task.WhenAll(puts.Select(async p =>
            {
                Requests.CountPut();
                try
                {
                    await WithConflictRetries(p.Put, cancellation).ConfigureAwait(false);
                    return (p.Change, Error: (Exception?)null);
                }
                catch (AmazonServiceException e)
                {
                    return (p.Change, Error: S3Errors.Translate(e, "BucketSettingFailed", Uri, $"setting {p.Change.Setting} on"));
                }
                catch (MlLayoutException e)
                {
                    return (p.Change, Error: (Exception?)e);
                }
            })).ConfigureAwait(false);
            if (results.FirstOrDefault(r => r.Error != null).Error is Exception failed) throw failed;
            var done = results.Select(r => r.Change).ToList();
            // Carried by the TLS put: applied with it.
            if (together) done.Add(approved.First(c => c.Setting == BucketSettings.InventoryPolicySetting));
            return done;
        }

        /// <summary>Delays before each retry of a setting S3 refused with 409 OperationAborted.</summary>
        internal static TimeSpan[] ConflictRetryDelays { get; set; } =
            { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) };

        /// <summary>
        /// S3 may answer 409 OperationAborted ("a conflicting conditional operation is currently in progress") while
        /// another change to the same bucket settles, which settings sent at once can meet: the setting is sent again.
        /// </summary>
        private static async Task WithConflictRetries(Func<Task> put, CancellationToken cancellation)
        {
            for (int attempt = 0; ; attempt++)
            {
                try { await put().ConfigureAwait(false); return; }
                catch (AmazonS3Exception e) when (e.ErrorCode == "OperationAborted" && attempt < ConflictRetryDelays.Length)
                {
                    await Task.Delay(ConflictRetryDelays[attempt], cancellation).ConfigureAwait(false);
                }
            }
        }

        private async Task PutLifecycle(BucketSettings desired, bool bucketIsNew, CancellationToken cancellation)
        {
            var rules = new List<LifecycleRule>();
            if (!bucketIsNew)
            {
                try
                {
                    rules = (await Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = _bucket, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false)).Configuration?.Rules ?? new List<LifecycleRule>();
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { }
            }
            var ours = new List<LifecycleRule>();
            if (desired.AbortIncompleteMultipartUploadDays is int days)
                ours.Add(new LifecycleRule
                {
                    Id = BucketSettings.AbortRuleId, Status = LifecycleRuleStatus.Enabled,
                    Filter = new LifecycleFilter { Prefix = "" },
                    AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
                });
            foreach (var spec in desired.LifecycleRules ?? new List<LifecycleRuleSpec>())
                ours.Add(new LifecycleRule
                {
                    Id = spec.Id, Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = spec.Prefix },
                    Transitions = spec.TransitionDays is int t ? new List<LifecycleTransition> { new LifecycleTransition { Days = t, StorageClass = new S3StorageClass(spec.StorageClass ?? "STANDARD_IA") } } : null,
                    Expiration = spec.ExpirationDays is int x ? new LifecycleRuleExpiration { Days = x } : null,
                });
            // Rules someone else added stay; ours are replaced by id.
            var merged = rules.Where(r => ours.All(o => o.Id != r.Id)).Concat(ours).ToList();
            await Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = _bucket, ExpectedBucketOwner = Owner, Configuration = new LifecycleConfiguration { Rules = merged },
            }, cancellation).ConfigureAwait(false);
        }

        /// <summary>
        /// Adds (or replaces, by its Sid) the statement that lets S3 deliver this bucket's inventory reports to the
        /// destination, keeping every other statement of the destination's policy. PutBucketPolicy has no condition to
        /// write on, so the policy is read back: if another writer replaced it in between, the merge is done again.
        /// </summary>
        private async Task PutInventoryPolicy(InventorySpec inventory, bool bucketIsNew, CancellationToken cancellation)
        {
            string account = (await SourceAccountAsync(required: true).ConfigureAwait(false))!;
            bool here = inventory.LandsIn(_bucket);
            string? owner = here ? Owner : null;
            var statement = InventoryStatement(inventory, _bucket, account);
            for (int attempt = 0; ; attempt++)
            {
                string? existing = here && bucketIsNew && attempt == 0 ? null : await ReadPolicy(inventory.DestinationBucket, owner, cancellation).ConfigureAwait(false);
                try
                {
                    await Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = inventory.DestinationBucket, ExpectedBucketOwner = owner, Policy = WithStatement(existing, statement) }, cancellation).ConfigureAwait(false);
                }
                catch (AmazonServiceException e) when (!here)
                {
                    throw S3Errors.Translate(e, "InventoryPolicyFailed", $"s3://{inventory.DestinationBucket}/",
                        $"adding the statement '{InventorySpec.PolicyStatementId(_bucket)}' that lets S3 write the inventory reports of s3://{_bucket}/ to the policy of");
                }
                var now = await ReadPolicy(inventory.DestinationBucket, owner, cancellation).ConfigureAwait(false);
                if (GrantsInventory(now, inventory, _bucket, account) || attempt >= 2) return;
            }
        }

        private async Task<string?> ReadPolicy(string bucket, string? owner, CancellationToken cancellation)
        {
            Requests.CountGet();
            try { return (await Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket, ExpectedBucketOwner = owner }, cancellation).ConfigureAwait(false)).Policy; }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket") { return null; }
        }

        /// <summary>
        /// The account that owns the source bucket, for aws:SourceAccount: -ExpectedBucketOwner when given, else the
        /// caller's account (STS, asked once per connection). Null when neither is known; with <paramref name="required"/>
        /// that is the error InventoryAccountUnknown, since an unscoped statement would let any bucket write there.
        /// </summary>
        private async Task<string?> SourceAccountAsync(bool required = false)
        {
            if (Owner != null) return Owner;
            string arn = await _connection.LookUpCaller().ConfigureAwait(false);
            var parts = arn.Split(':');
            string? account = arn.StartsWith("arn:", StringComparison.Ordinal) && parts.Length > 4 && parts[4].Length > 0 ? parts[4] : null;
            if (account == null && required)
                throw new MlLayoutException("InventoryAccountUnknown", ErrorKind.InvalidArgument, Uri,
                    $"The account that owns s3://{_bucket}/ could not be found (the caller is {arn}), and the inventory destination's policy must name it (aws:SourceAccount) " +
                    "so that no other account's bucket can write there. Give -ExpectedBucketOwner with the account id, or let STS GetCallerIdentity answer.");
            return account;
        }

        /// <summary>The destination policy statement for reports of <paramref name="source"/>: S3 itself may put objects under the prefix, for this bucket and account only.</summary>
        internal static JsonObject InventoryStatement(InventorySpec inventory, string source, string account) => new JsonObject
        {
            ["Sid"] = InventorySpec.PolicyStatementId(source),
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "s3.amazonaws.com" },
            ["Action"] = "s3:PutObject",
            ["Resource"] = $"arn:aws:s3:::{inventory.DestinationBucket}/{inventory.DestinationFolder}*",
            ["Condition"] = new JsonObject
            {
                ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = $"arn:aws:s3:::{source}" },
                ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = account, ["s3:x-amz-acl"] = "bucket-owner-full-control" },
            },
        };

        /// <summary>
        /// Whether a policy holds our statement for reports of <paramref name="source"/> as it should be: compared by
        /// meaning (S3 may return a one-item list for a string), not by text. A null account is not compared (not known).
        /// </summary>
        internal static bool GrantsInventory(string? policy, InventorySpec inventory, string source, string? account)
        {
            if (string.IsNullOrWhiteSpace(policy)) return false;
            try
            {
                var statements = JsonNode.Parse(policy!)?["Statement"];
                var list = statements is JsonArray array ? array.ToList() : new List<JsonNode?> { statements };
                var want = InventoryStatement(inventory, source, account ?? "");
                static IEnumerable<string> Values(JsonNode? node) => node is JsonArray a ? a.Select(x => x?.ToString() ?? "") : node == null ? Enumerable.Empty<string>() : new[] { node.ToString() };
                bool Same(JsonNode? have, JsonNode? expected) => new HashSet<string>(Values(have)).SetEquals(Values(expected));
                return list.Any(s => s?["Sid"]?.ToString() == want["Sid"]!.ToString()
                    && s?["Effect"]?.ToString() == "Allow"
                    && Same(s?["Principal"]?["Service"], want["Principal"]!["Service"])
                    && Same(s?["Action"], want["Action"])
                    && Same(s?["Resource"], want["Resource"])
                    && Same(s?["Condition"]?["ArnLike"]?["aws:SourceArn"], want["Condition"]!["ArnLike"]!["aws:SourceArn"])
                    && (account == null ? s?["Condition"]?["StringEquals"]?["aws:SourceAccount"] != null
                                        : Same(s?["Condition"]?["StringEquals"]?["aws:SourceAccount"], want["Condition"]!["StringEquals"]!["aws:SourceAccount"])));
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException) { return false; }
        }

        /// <summary>The policy with <paramref name="statement"/> added, replacing one with the same Sid; every other statement kept as it is.</summary>
        internal static string WithStatement(string? existing, JsonObject statement)
        {
            JsonObject policy;
            try { policy = (string.IsNullOrWhiteSpace(existing) ? null : JsonNode.Parse(existing!) as JsonObject) ?? new JsonObject { ["Version"] = "2012-10-17" }; }
            catch (JsonException) { policy = new JsonObject { ["Version"] = "2012-10-17" }; }
            var statements = policy["Statement"] as JsonArray ?? new JsonArray();
            if (policy["Statement"] is JsonObject single) { policy.Remove("Statement"); statements.Add(single); }
            policy.Remove("Statement");
            string sid = statement["Sid"]!.ToString();
            foreach (var old in statements.Where(s => s?["Sid"]?.ToString() == sid).ToList()) statements.Remove(old);
            statements.Add(statement);
            policy["Statement"] = statements;
            return policy.ToJsonString();
        }

        private static InventoryConfiguration ToConfiguration(InventorySpec spec) => new InventoryConfiguration
        {
            InventoryId = spec.Id,
            IsEnabled = true,
            IncludedObjectVersions = new InventoryIncludedObjectVersions(spec.IncludedVersions),
            Schedule = new InventorySchedule { Frequency = new InventoryFrequency(spec.Frequency) },
            InventoryOptionalFields = spec.OptionalFields.Select(f => new InventoryOptionalField(f)).ToList(),
            Destination = new InventoryDestination
            {
                S3BucketDestination = new InventoryS3BucketDestination
                {
                    BucketName = $"arn:aws:s3:::{spec.DestinationBucket}", Prefix = spec.DestinationPrefix, InventoryFormat = new InventoryFormat(spec.Format),
                },
            },
        };

        private static InventorySpec? ToSpec(InventoryConfiguration? configuration)
        {
            if (configuration == null) return null;
            var destination = configuration.Destination?.S3BucketDestination;
            string arn = destination?.BucketName ?? "";
            return new InventorySpec
            {
                Id = configuration.InventoryId ?? "",
                Enabled = configuration.IsEnabled == true,
                Frequency = configuration.Schedule?.Frequency?.Value ?? "",
                Format = destination?.InventoryFormat?.Value ?? "",
                IncludedVersions = configuration.IncludedObjectVersions?.Value ?? "",
                OptionalFields = (configuration.InventoryOptionalFields ?? new List<InventoryOptionalField>()).Select(f => f.Value).ToList(),
                DestinationBucket = arn.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) ? arn.Substring("arn:aws:s3:::".Length) : arn,
                DestinationPrefix = destination?.Prefix ?? "",
            };
        }

        private static LifecycleRuleSpec ToSpec(LifecycleRule rule) => new LifecycleRuleSpec
        {
            Id = rule.Id,
            // The SDK reads a prefix filter into the predicate, not into Filter.Prefix.
            Prefix = !string.IsNullOrEmpty(rule.Filter?.Prefix) ? rule.Filter!.Prefix
                : (rule.Filter?.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix ?? "",
            TransitionDays = rule.Transitions?.FirstOrDefault()?.Days,
            StorageClass = rule.Transitions?.FirstOrDefault()?.StorageClass?.Value,
            ExpirationDays = rule.Expiration?.Days,
        };

        private async Task Read(string operation, Func<Task> read, Action whenAbsent)
        {
            Requests.CountGet();
            try { await read().ConfigureAwait(false); }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { whenAbsent(); } // the setting is not configured
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "BucketReadFailed", Uri, $"reading ({operation})"); }
        }

        /// <summary>Whether a policy denies every request made without TLS.</summary>
        internal static bool HasTlsDeny(string? policy)
        {
            if (string.IsNullOrWhiteSpace(policy)) return false;
            try
            {
                var statements = JsonNode.Parse(policy!)?["Statement"];
                var list = statements is JsonArray array ? array.ToList() : new List<JsonNode?> { statements };
                return list.Any(s => s?["Effect"]?.GetValue<string>() == "Deny"
                    && string.Equals(s?["Condition"]?["Bool"]?["aws:SecureTransport"]?.ToString(), "false", StringComparison.OrdinalIgnoreCase));
            }
            catch (JsonException) { return false; }
        }

        /// <summary>The policy with our TLS-only statement added; other statements are kept as they are.</summary>
        internal static string WithTlsDeny(string? existing, string bucket)
        {
            JsonObject policy;
            try { policy = (string.IsNullOrWhiteSpace(existing) ? null : JsonNode.Parse(existing!) as JsonObject) ?? new JsonObject { ["Version"] = "2012-10-17" }; }
            catch (JsonException) { policy = new JsonObject { ["Version"] = "2012-10-17" }; }
            var statements = policy["Statement"] as JsonArray ?? new JsonArray();
            if (policy["Statement"] is JsonObject single) { policy.Remove("Statement"); statements.Add(single); }
            policy.Remove("Statement");
            foreach (var old in statements.Where(s => s?["Sid"]?.GetValue<string>() == TlsStatementId).ToList()) statements.Remove(old);
            statements.Add(new JsonObject
            {
                ["Sid"] = TlsStatementId,
                ["Effect"] = "Deny",
                ["Principal"] = "*",
                ["Action"] = "s3:*",
                ["Resource"] = new JsonArray($"arn:aws:s3:::{bucket}", $"arn:aws:s3:::{bucket}/*"),
                ["Condition"] = new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } },
            });
            policy["Statement"] = statements;
            return policy.ToJsonString();
        }
    }
}
