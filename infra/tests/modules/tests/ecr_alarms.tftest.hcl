# The image repository and the alarms.

mock_provider "aws" {
  source = "../mocks"
}

run "repository" {
  command = plan

  module {
    source = "../../modules/ecr"
  }

  variables {
    name        = "api-test"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable, so a deployed tag always names the same image."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push == true
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2
    error_message = "The lifecycle policy expires untagged and old images."
  }
}

run "alarms_notify_the_topic" {
  command = plan

  module {
    source = "../../modules/alarms"
  }

  variables {
    name                    = "api-test"
    alarm_topic_arn         = "arn:aws:sns:eu-west-1:123456789012:alerts"
    alb_arn_suffix          = "app/api/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/api/0123456789abcdef"
    cluster_name            = "api-test"
    service_name            = "api-test"
    db_instance_identifier  = "api-test"
  }

  assert {
    condition = alltrue([
      for alarm in [
        aws_cloudwatch_metric_alarm.error_rate,
        aws_cloudwatch_metric_alarm.p99_latency,
        aws_cloudwatch_metric_alarm.cpu,
        aws_cloudwatch_metric_alarm.db_free_storage,
      ] : alarm.alarm_actions == toset([var.alarm_topic_arn])
    ])
    error_message = "Every alarm must notify the SNS topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.p99_latency.extended_statistic == "p99" && aws_cloudwatch_metric_alarm.p99_latency.metric_name == "TargetResponseTime"
    error_message = "Latency is alarmed on p99 target response time."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.db_free_storage.metric_name == "FreeStorageSpace" && aws_cloudwatch_metric_alarm.db_free_storage.comparison_operator == "LessThanThreshold"
    error_message = "The database alarm fires when free storage runs low."
  }

  assert {
    condition     = length([for q in aws_cloudwatch_metric_alarm.error_rate.metric_query : q if try(q.metric[0].metric_name, "") == "HTTPCode_Target_5XX_Count"]) == 1
    error_message = "The error-rate alarm is computed from target 5xx responses."
  }
}
