import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class OperatorGrantBody {
  /** Why support needs the store's data: kept with the grant and shown to compliance. */
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  reason!: string;

  /** How long the grant lasts, at most 7 days (168 h). */
  @IsInt()
  @Min(1)
  @Max(168)
  durationHours!: number;
}

export class MerchantGrantBody {
  /** The signed token from the merchant's "share access with support" link. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  token!: string;
}
