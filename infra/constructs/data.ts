// The platform's state: the single DynamoDB table (keys in functions/commons/keys.ts), the archive of
// monthly summaries, the bucket that receives access logs, and the customer-managed key that encrypts the
// health data at rest (so key use is logged in CloudTrail and the key policy is ours to control).
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { StageConfig } from "../config";
import { TABLE_INDEXES } from "./project-function";

export class Data extends Construct {
	readonly key: kms.Key;
	readonly table: dynamodb.Table;
	readonly archiveBucket: s3.Bucket;
	readonly logBucket: s3.Bucket;

	constructor(scope: Construct, id: string, cfg: StageConfig) {
		super(scope, id);
		const prod = cfg.stage === "prod";

		this.key = new kms.Key(this, "Key", {
			description: "Encrypts the health-plan table and the summary archive",
			enableKeyRotation: true,
			// Destroying the key would make every backup unreadable.
			removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
			pendingWindow: Duration.days(prod ? 30 : 7),
		});

		this.table = new dynamodb.Table(this, "Table", {
			partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
			sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
			billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
			pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
			encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
			encryptionKey: this.key,
			timeToLiveAttribute: "ttl",
			deletionProtection: prod,
			removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
		});
		for (const indexName of TABLE_INDEXES) {
			this.table.addGlobalSecondaryIndex({
				indexName,
				partitionKey: { name: `${indexName}pk`, type: dynamodb.AttributeType.STRING },
				sortKey: { name: `${indexName}sk`, type: dynamodb.AttributeType.STRING },
				projectionType: dynamodb.ProjectionType.ALL,
			});
		}

		// Access logs of the buckets and of CloudFront. CloudFront's standard logs are delivered with
		// object ACLs, hence OBJECT_WRITER; SSE-S3 because log delivery cannot use a customer key here.
		this.logBucket = new s3.Bucket(this, "LogBucket", {
			blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
			enforceSSL: true,
			encryption: s3.BucketEncryption.S3_MANAGED,
			objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
			lifecycleRules: [{ expiration: Duration.days(prod ? 365 : 30) }],
			removalPolicy: RemovalPolicy.RETAIN,
		});

		this.archiveBucket = new s3.Bucket(this, "ArchiveBucket", {
			blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
			enforceSSL: true,
			encryption: s3.BucketEncryption.KMS,
			encryptionKey: this.key,
			bucketKeyEnabled: true,
			versioned: true,
			objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
			serverAccessLogsBucket: this.logBucket,
			serverAccessLogsPrefix: "s3/archive/",
			lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
			// Summaries are a record of what leaders were told; never delete them with the stack.
			removalPolicy: RemovalPolicy.RETAIN,
		});
	}
}
