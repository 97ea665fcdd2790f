data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  ecs_prefix   = "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  cluster_name = element(split("/", var.cluster_arn), 1)
}

# What the deploy tool (tools/deploy) does to one service, and nothing more (logging in to ECR
# is the deploy role's own, modules/github-oidc).
data "aws_iam_policy_document" "this" {
  statement {
    sid = "PushImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  # These three ECS actions do not support resource-level permissions.
  statement {
    sid       = "TaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  # New revisions carry the tags of the revision they are copied from.
  statement {
    sid     = "TagTaskDefinitions"
    actions = ["ecs:ListTagsForResource", "ecs:TagResource"]
    resources = [
      for family in [var.app_task_family, var.migration_task_family, var.roles_task_family] :
      "${local.ecs_prefix}:task-definition/${family}:*"
    ]
  }

  statement {
    sid     = "RunRolesAndMigration"
    actions = ["ecs:RunTask"]
    resources = [
      for family in [var.roles_task_family, var.migration_task_family] :
      "${local.ecs_prefix}:task-definition/${family}:*"
    ]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  # tools/deploy stops a migration task that runs past its time limit.
  statement {
    sid       = "WatchTasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["${local.ecs_prefix}:task/${local.cluster_name}/*"]
  }

  statement {
    sid       = "UpdateService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [var.service_arn]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.pass_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadMigrationLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${var.log_group_arn}:*"]
  }

  statement {
    sid       = "CheckSecretsAreSet"
    actions   = ["secretsmanager:DescribeSecret"]
    resources = var.secret_arns
  }
}
