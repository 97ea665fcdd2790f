output "json" {
  description = "The policy document, for an inline or managed IAM policy of the deploy role."
  value       = data.aws_iam_policy_document.this.json
}
