output "role_arn" {
  description = "ARN of the deploy role; set it as the GitHub repository variable the workflows assume."
  value       = aws_iam_role.this.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the role trusts."
  value       = local.provider_arn
}
