output "signing_key_secret_arn" {
  description = "ARN (not the value) of the AUTH_SIGNING_KEY secret, for the API's task alone."
  value       = aws_secretsmanager_secret.signing_key.arn
}

output "public_keys_secret_arn" {
  description = "ARN of the AUTH_PUBLIC_KEYS secret (a JWKS document), for every service's task."
  value       = aws_secretsmanager_secret.public_keys.arn
}
