"""What the boto3 side of the benchmarks sends to provision one bucket as New-MlBucket does, in order: the bucket,
its settings, its declaration. Imported by fleet.py and by pipeline.py's child process (it imports nothing itself,
so the child's timed start-up stays boto3's own)."""


def settle(client, bucket):
    client.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
    client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")})
    client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "managed-by", "Value": "S3MlLayout"}]})
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{"ID": "abort", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                                                                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
    client.put_object(Bucket=bucket, Key=".s3mllayout/declared/bucket.json", Body=b"{}")
