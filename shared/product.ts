/** The product's name as users see it; one place so every surface says the same. */
export const PRODUCT_NAME = 'Patchbay';
