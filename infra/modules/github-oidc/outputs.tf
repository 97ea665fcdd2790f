output "role_arn" {
  description = "ARN of the deploy role; set it as the GitHub repository variable the workflows assume."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the deploy role, which other services attach their deploy policies to."
  value       = aws_iam_role.this.name
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the role trusts."
  value       = local.provider_arn
}
